// What an SMS carries: plain text. Until the SMS channel policy renders every channel-neutral message
// (numbered choices, templates as their plain text, segments), text goes as it is, a question with choices
// as its words with the choices numbered beneath, and a template as its name (never sent on SMS by the
// funnel: no window to reopen).
import type { OutboundMessage } from '../../domain/effects.ts';

export function smsText(message: OutboundMessage): string {
  switch (message.kind) {
    case 'text':
      return message.text;
    case 'interactive':
      return [message.body, ...message.options.map((option, i) => `${i + 1}. ${option.title}`)].join('\n');
    case 'template':
      return [message.name, ...message.params].join(' ');
  }
}

/** What the sandbox shows for an SMS: its text on the lead's phone. */
export function describeSms(provider: 'twilio' | 'openphone') {
  return (text: string) => ({ kind: 'text', text, payload: { provider, body: text } });
}
