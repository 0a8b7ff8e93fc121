// Maps a failed Twilio REST response to a classified EffectError. Twilio's error body is
// `{code, message, more_info, status}` (twilio-node src/base/RestException.ts). 21610 (the recipient texted
// STOP; sends fail until they text START) is permanent with reason `opted_out`: the lead becomes OPTED_OUT
// and nothing retries. 429 / 20429 ("never processed and always safe to retry") and 5xx back off.
import type { IncomingHttpHeaders } from 'node:http';
import { parseRetryAfter, permanent, retryable, type EffectError } from '../effect-errors.ts';

/** "Attempt to send to unsubscribed recipient". */
export const TWILIO_OPTED_OUT = 21610;
const RATE_LIMITED = 20429;

export interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

export function parseTwilioErrorBody(body: Buffer): TwilioErrorBody {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

export function twilioError(status: number, headers: IncomingHttpHeaders, body: Buffer): EffectError {
  const error = parseTwilioErrorBody(body);
  const code = typeof error.code === 'number' ? error.code : null;
  const message = `Twilio ${status}${code === null ? '' : ` (${code})`}: ${error.message ?? `HTTP ${status}`}`;
  const header: unknown = headers['retry-after'];
  const retryAfterMs = parseRetryAfter(typeof header === 'string' ? header : undefined);
  const details = { code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (code === TWILIO_OPTED_OUT) return permanent(message, { ...details, reason: 'opted_out' });
  if (status === 429 || code === RATE_LIMITED)
    return retryable(message, { ...details, reason: 'rate_limited' });
  if (status >= 500) return retryable(message, { ...details, reason: 'provider_unavailable' });
  if (status === 401 || status === 403) return permanent(message, { ...details, reason: 'unauthorized' });
  return permanent(message, { ...details, reason: 'rejected' });
}
