// The sample conversation `leadline demo` plays, and the signed webhook that carries each line: Meta-shaped
// for WhatsApp, or Twilio's form post for SMS (`--channel sms`).
import { createHmac, randomBytes } from 'node:crypto';
import { signTwilioRequest, twilioSignedUrl } from '../gateway/webhooks/twilio-signature.ts';

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

export interface SignedTwilioWebhook {
  /** The path (and query) to post to; the signature covers PUBLIC_BASE_URL + this. */
  path: string;
  body: string;
  signature: string;
}

/**
 * One inbound SMS as Twilio posts it (the parameters Twilio sends, SmsSid and friends included), signed
 * with the auth token over the public URL the gateway knows itself by (PUBLIC_BASE_URL).
 */
export function twilioTextWebhook(input: {
  publicBaseUrl: string;
  accountSid: string;
  from: string;
  to: string;
  text: string;
  authToken: string;
}): SignedTwilioWebhook {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const params: Record<string, string> = {
    ToCountry: 'US',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: input.text,
    To: input.to,
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: input.accountSid,
    From: input.from,
    ApiVersion: '2010-04-01',
  };
  const path = '/webhooks/twilio/sms';
  const signature = signTwilioRequest(input.authToken, twilioSignedUrl(input.publicBaseUrl, path), params);
  return { path, body: new URLSearchParams(params).toString(), signature };
}
