// A verified Twilio status callback (`MessageSid`, `MessageStatus`, `ErrorCode`, plus a subset of the
// usual parameters: To, From, AccountSid…) → the delivery status of one of our outbound messages. Pure.
// Twilio's status enum is wider than ours; it folds onto queued < sent < delivered < read, with failed and
// undelivered final (the host keeps the status monotonic: src/persistence/delivery-status.ts).
import { param } from './form-body.ts';
import { e164 } from './sms-inbound.ts';
import { MESSAGE_SID } from './twilio-inbound.ts';
import type { TwilioParams } from './twilio-signature.ts';

export type SmsDeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

const STATUS: Readonly<Record<string, SmsDeliveryStatus>> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  // Deprecated: some segments arrived. The message reached the phone; what is missing is not ours to fix.
  partially_delivered: 'delivered',
  read: 'read',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

export interface TwilioStatus {
  messageSid: string;
  status: SmsDeliveryStatus;
  /** Twilio's error code for failed/undelivered (30003 unreachable, 30007 carrier violation, …). */
  errorCode?: number;
  /** The lead's number (our message went To it) and ours (From), when Twilio included them. */
  to?: string;
  from?: string;
}

export type TwilioStatusResult =
  | { ok: true; value: TwilioStatus }
  /** `ignored`: a status of an inbound message (received, receiving), nothing of ours to update. */
  | { ok: false; reason: 'invalid_status' | 'ignored'; detail: string };

export function parseTwilioStatus(params: TwilioParams): TwilioStatusResult {
  const messageSid = param(params, 'MessageSid') ?? param(params, 'SmsSid');
  if (messageSid === undefined || !MESSAGE_SID.test(messageSid))
    return { ok: false, reason: 'invalid_status', detail: 'MessageSid missing or malformed' };
  const raw = (param(params, 'MessageStatus') ?? param(params, 'SmsStatus') ?? '').toLowerCase();
  if (raw === 'received' || raw === 'receiving')
    return { ok: false, reason: 'ignored', detail: `inbound status ${raw}` };
  const status = STATUS[raw];
  if (status === undefined)
    return { ok: false, reason: 'invalid_status', detail: `unknown MessageStatus ${raw.slice(0, 40)}` };
  const code = Number.parseInt(param(params, 'ErrorCode') ?? '', 10);
  const to = e164(param(params, 'To'));
  const from = e164(param(params, 'From'));
  return {
    ok: true,
    value: {
      messageSid,
      status,
      ...(Number.isFinite(code) && code > 0 ? { errorCode: code } : {}),
      ...(to === undefined ? {} : { to }),
      ...(from === undefined ? {} : { from }),
    },
  };
}
