// Real-shaped Meta WhatsApp Cloud API webhook payloads (as documented by Meta), for tests.
export const DEMO_PHONE_NUMBER_ID = '110000000000001';

export interface MessageOptions {
  from?: string;
  id?: string;
  timestamp?: number;
  phoneNumberId?: string;
  name?: string;
}

let seq = 0;
export function wamid(): string {
  seq++;
  return `wamid.HBgLNDQ3NzAwOTAwMTIzFQIAEhgg${Date.now().toString(36)}${seq}`;
}

export function webhook(value: Record<string, unknown>, phoneNumberId = DEMO_PHONE_NUMBER_ID) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** One inbound message of any type; `body` is merged into the message (e.g. `{ type: 'text', text: {…} }`). */
export function inbound(body: Record<string, unknown>, options: MessageOptions = {}) {
  const from = options.from ?? '447700900123';
  return webhook(
    {
      contacts: [{ profile: { name: options.name ?? 'Alex' }, wa_id: from }],
      messages: [
        {
          from,
          id: options.id ?? wamid(),
          timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
          ...body,
        },
      ],
    },
    options.phoneNumberId,
  );
}

export function textMessage(text: string, options: MessageOptions = {}) {
  return inbound({ type: 'text', text: { body: text } }, options);
}

export function statusUpdate(
  status: string,
  options: { id?: string; recipient?: string; errors?: unknown[] } = {},
) {
  return webhook({
    statuses: [
      {
        id: options.id ?? wamid(),
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: options.recipient ?? '447700900123',
        ...(options.errors ? { errors: options.errors } : {}),
      },
    ],
  });
}
