// How an outbound message reads on the web, app and api channels: text stays text, interactive choices
// become `choices` with their options (the client draws buttons), and a WhatsApp template (only sent when
// the WhatsApp window is closed, which these channels do not have) becomes its name as text.
import type { OutboundMessage } from '../domain/effects.ts';
import type { SessionMessageBody } from './session-messages.ts';

export function renderForSession(message: OutboundMessage): SessionMessageBody {
  switch (message.kind) {
    case 'text':
      return { kind: 'text', text: message.text };
    case 'interactive':
      return {
        kind: 'choices',
        text: message.body,
        options: message.options.map((o) => ({ id: o.id, title: o.title })),
      };
    case 'template':
      return { kind: 'text', text: [message.name, ...message.params].join(' ') };
  }
}
