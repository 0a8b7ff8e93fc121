// The sample conversation `leadline demo` plays, and the Meta-shaped, signed webhook that carries each line.
import { createHmac, randomBytes } from 'node:crypto';

export const demoLines = [
  "Hi! I'd like to book a tattoo",
  'A fox curled around a crescent moon',
  'Left forearm',
  '10x15cm',
  'blackwork',
  'none',
  '£300',
] as const;

/** A fresh UK test-range number per run, so each demo is a new lead. */
export function demoPhone(): string {
  return `+4477009${String(randomBytes(3).readUIntBE(0, 3) % 100_000).padStart(5, '0')}`;
}

export interface SignedWebhook {
  body: string;
  signature: string;
}

/** One inbound text message as Meta's Cloud API sends it, signed with the app secret over the raw body. */
export function whatsappTextWebhook(input: {
  phoneNumberId: string;
  phone: string;
  name: string;
  text: string;
  appSecret: string;
  at: Date;
}): SignedWebhook {
  const waId = input.phone.replace(/^\+/, '');
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '100000000000000',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: input.phoneNumberId },
              contacts: [{ profile: { name: input.name }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: `wamid.demo${randomBytes(12).toString('hex')}`,
                  timestamp: String(Math.floor(input.at.getTime() / 1000)),
                  type: 'text',
                  text: { body: input.text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', input.appSecret).update(body).digest('hex')}`;
  return { body, signature };
}
