// Maps a failed Graph API response to a classified EffectError, from the error body's `error.code`
// (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes) and the HTTP status.
import type { IncomingHttpHeaders } from 'node:http';
import { parseRetryAfter, permanent, retryable, type EffectError } from '../effect-errors.ts';

/** 24-hour customer-service window closed: send a template instead; never retried. */
export const OUTSIDE_WINDOW = 131047;
const RATE_LIMITED = new Set([4, 80007, 130429, 131048, 131056]);
const TRANSIENT = new Set([1, 2, 131000, 131016]);
/** Media that can no longer be fetched (expired webhook media ids, deleted uploads). */
const MEDIA_GONE = new Set([100, 131052]);

interface GraphErrorBody {
  error?: { code?: number; message?: string; error_subcode?: number; error_data?: { details?: string } };
}

function parseBody(body: Buffer): GraphErrorBody {
  try {
    return JSON.parse(body.toString('utf8')) as GraphErrorBody;
  } catch {
    return {};
  }
}

export function graphError(
  status: number,
  headers: IncomingHttpHeaders,
  body: Buffer,
  context: 'send' | 'media' | 'templates',
): EffectError {
  const error = parseBody(body).error;
  const code = error?.code ?? null;
  const detail = error?.error_data?.details ?? error?.message ?? `HTTP ${status}`;
  const message = `Graph ${status}${code === null ? '' : ` (${code})`}: ${detail}`;
  const header: unknown = headers['retry-after'];
  const retryAfterMs = parseRetryAfter(typeof header === 'string' ? header : undefined);
  const details = { code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };

  if (code === OUTSIDE_WINDOW) return permanent(message, { ...details, reason: 'outside_window' });
  if (code !== null && RATE_LIMITED.has(code))
    return retryable(message, { ...details, reason: 'rate_limited' });
  if (status === 429) return retryable(message, { ...details, reason: 'rate_limited' });
  if (context === 'media' && (status === 404 || (code !== null && MEDIA_GONE.has(code))))
    return permanent(message, { ...details, reason: 'media_expired' });
  if (status >= 500 || (code !== null && TRANSIENT.has(code)))
    return retryable(message, { ...details, reason: 'provider_unavailable' });
  return permanent(message, { ...details, reason: 'rejected' });
}
