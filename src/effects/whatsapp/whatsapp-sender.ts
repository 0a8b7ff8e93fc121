// The WhatsApp send every handler uses: the Graph API when WHATSAPP_ACCESS_TOKEN is set, else (outside
// production) the sandbox, which records the message for the console's phone screens.
import type { OutboundMessage } from '../../domain/effects.ts';
import { sandboxOr, type SandboxRecorder, type SendFn } from '../sandbox/sandbox.ts';
import type { GraphClient } from './graph-client.ts';

/** What a phone would show for a WhatsApp message: its text, or the template's name and parameters. */
export function whatsappScreenText(message: OutboundMessage): string {
  switch (message.kind) {
    case 'text':
      return message.text;
    case 'interactive':
      return `${message.body}\n${message.options.map((o) => `[${o.title}]`).join(' ')}`;
    case 'template':
      return `(template ${message.name}${message.params.length > 0 ? `: ${message.params.join(', ')}` : ''})`;
  }
}

export function whatsappSender(
  graph: GraphClient,
  sandbox: SandboxRecorder | undefined,
): SendFn<OutboundMessage> {
  const real: SendFn<OutboundMessage> = async (_ctx, from, to, message) => {
    const { wamid } = await graph.sendMessage(from, to, message);
    return { providerMessageId: wamid, deliveryStatus: 'sent' };
  };
  if (!sandbox) return real;
  return sandboxOr(undefined, sandbox, 'whatsapp', (message) => ({
    kind: message.kind,
    text: whatsappScreenText(message),
    payload: { ...message },
  }));
}
