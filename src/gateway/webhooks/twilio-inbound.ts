// A verified Twilio inbound-message webhook (form parameters) → channel-neutral SMS items. Pure. Twilio's
// parameters (twilio.com/docs/messaging/guides/webhook-request): MessageSid, AccountSid, From, To, Body
// (≤ 1,600), NumMedia and MediaUrl<n>/MediaContentType<n> zero-indexed; it adds parameters without notice,
// so anything else is ignored (but was signed over). A well-formed message from a sender that is not an E.164
// number (a short code, an alphanumeric sender id) is `invalid_sender`: acknowledged, recorded, not a lead.
import { param } from './form-body.ts';
import type { TwilioParams } from './twilio-signature.ts';
import { e164, smsItems, type InvalidSender, type SmsInbound, type SmsMedium } from './sms-inbound.ts';

/** MMS carries at most 10 media. */
const MAX_MEDIA = 10;
/** A Twilio message id: SM (SMS) or MM (MMS) and 32 hex digits. */
export const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/i;

export type TwilioInboundResult =
  | { ok: true; to: string; from: string; messageSid: string; items: SmsInbound[] }
  | { ok: false; reason: 'invalid_message'; issues: string[] }
  | { ok: false; reason: 'invalid_sender'; sender: InvalidSender };

export function parseTwilioInbound(params: TwilioParams, now: Date): TwilioInboundResult {
  const issues: string[] = [];
  const rawSid = param(params, 'MessageSid') ?? param(params, 'SmsSid');
  const messageSid = rawSid !== undefined && MESSAGE_SID.test(rawSid) ? rawSid : undefined;
  if (messageSid === undefined) issues.push('MessageSid: expected SM/MM followed by 32 hex digits');
  const from = e164(param(params, 'From'));
  if (from === undefined) issues.push('From: expected an E.164 number');
  const to = e164(param(params, 'To'));
  if (to === undefined) issues.push('To: expected an E.164 number');
  if (messageSid !== undefined && to !== undefined && from === undefined) {
    const raw = param(params, 'From');
    return { ok: false, reason: 'invalid_sender', sender: { messageId: messageSid, to, from: raw } };
  }
  if (messageSid === undefined || from === undefined || to === undefined)
    return { ok: false, reason: 'invalid_message', issues };

  const numMedia = Math.min(
    MAX_MEDIA,
    Math.max(0, Number.parseInt(param(params, 'NumMedia') ?? '0', 10) || 0),
  );
  const media: SmsMedium[] = [];
  for (let n = 0; n < numMedia; n++) {
    const url = param(params, `MediaUrl${n}`);
    if (url !== undefined) media.push({ url, mimeType: param(params, `MediaContentType${n}`) });
  }
  const base = { provider: 'twilio' as const, from, to, sentAt: now.toISOString() };
  const items = smsItems(base, messageSid, param(params, 'Body') ?? '', media);
  return { ok: true, to, from, messageSid, items };
}
