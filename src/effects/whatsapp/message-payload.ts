// Our provider-neutral OutboundMessage as a Graph API `/{phone-number-id}/messages` body.
import type { OutboundMessage } from '../../domain/effects.ts';

const BUTTON_TITLE_MAX = 20;

/** Graph accepts the number with or without '+'; we send digits only, as its examples do. */
export function graphRecipient(e164: string): string {
  return e164.replace(/^\+/, '');
}

export function graphMessageBody(to: string, message: OutboundMessage): Record<string, unknown> {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: graphRecipient(to) };
  switch (message.kind) {
    case 'text':
      return { ...base, type: 'text', text: { body: message.text, preview_url: message.previewUrl ?? true } };
    case 'template':
      return {
        ...base,
        type: 'template',
        template: {
          name: message.name,
          language: { code: message.language },
          ...(templateComponents(message).length > 0 ? { components: templateComponents(message) } : {}),
        },
      };
    case 'interactive':
      // Reply buttons hold at most 3 options (20-character titles); more become a list (24 characters).
      if (message.options.length <= 3)
        return {
          ...base,
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: message.body },
            action: {
              buttons: message.options.map((o) => ({
                type: 'reply',
                reply: { id: o.id, title: o.title.slice(0, BUTTON_TITLE_MAX) },
              })),
            },
          },
        };
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: message.body },
          action: {
            button: 'Choose',
            sections: [
              { title: 'Options', rows: message.options.map((o) => ({ id: o.id, title: o.title })) },
            ],
          },
        },
      };
  }
}

/** Graph's template components: the body parameters, then one `url` button component per dynamic suffix. */
function templateComponents(message: Extract<OutboundMessage, { kind: 'template' }>): object[] {
  return [
    ...(message.params.length > 0
      ? [{ type: 'body', parameters: message.params.map((text) => ({ type: 'text', text })) }]
      : []),
    ...(message.buttons ?? []).map((suffix, index) => ({
      type: 'button',
      sub_type: 'url',
      index: String(index),
      parameters: [{ type: 'text', text: suffix }],
    })),
  ];
}
