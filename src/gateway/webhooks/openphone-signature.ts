// OpenPhone (now Quo) signs webhooks one of two ways, and both are accepted with the one
// OPENPHONE_WEBHOOK_SECRET:
// - legacy: `openphone-signature: hmac;1;<timestamp ms>;<base64>`, HMAC-SHA256 under the base64-decoded
//   signing key over `<timestamp>.<raw body>` (quo.com/docs/webhooks/legacy-signature-validation). Some
//   integrators report the signed body is the compact JSON, so a mismatch on the raw bytes is retried on
//   the re-serialised body before failing.
// - Standard Webhooks (2026-03-30 API): `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64>`
//   over `<id>.<timestamp>.<raw body>` with a `whsec_…` key, verified by the `standardwebhooks` package
//   (the reference implementation of that spec, with its 5-minute tolerance).
// Timestamps older (or newer) than 5 minutes are refused, so a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { SignatureCheck } from './whatsapp-signature.ts';

export const OPENPHONE_TOLERANCE_MS = 5 * 60 * 1000;

export type OpenphoneSignatureCheck = SignatureCheck | 'stale';

export interface OpenphoneHeaders {
  'openphone-signature'?: string | undefined;
  'webhook-id'?: string | undefined;
  'webhook-timestamp'?: string | undefined;
  'webhook-signature'?: string | undefined;
}

const LEGACY = /^hmac;1;(\d{10,16});([A-Za-z0-9+/=]+)$/;

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

function legacyDigest(key: Buffer, timestamp: string, body: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${timestamp}.`).update(body).digest();
}

/** A body re-serialised without whitespace, or undefined when it is not JSON. */
function compact(raw: Buffer): string | undefined {
  try {
    return JSON.stringify(JSON.parse(raw.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** Milliseconds since the epoch of a header timestamp sent in ms (legacy) or s (fallback). */
function timestampMs(value: string): number {
  const n = Number(value);
  return n < 1e12 ? n * 1000 : n;
}

function checkLegacy(secret: string, raw: Buffer, header: string, now: Date): OpenphoneSignatureCheck {
  const match = LEGACY.exec(header.trim());
  if (!match?.[1] || !match[2]) return 'malformed';
  const [, timestamp, signature] = match;
  if (Math.abs(now.getTime() - timestampMs(timestamp)) > OPENPHONE_TOLERANCE_MS) return 'stale';
  const given = Buffer.from(signature, 'base64');
  const key = keyOf(secret);
  const matches = (body: string | Buffer) => {
    const expected = legacyDigest(key, timestamp, body);
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  if (matches(raw)) return 'valid';
  const reserialised = compact(raw);
  return reserialised !== undefined && reserialised !== raw.toString('utf8') && matches(reserialised)
    ? 'valid'
    : 'mismatch';
}

function checkStandard(secret: string, raw: Buffer, headers: OpenphoneHeaders): OpenphoneSignatureCheck {
  try {
    new Webhook(secret).verify(
      raw,
      {
        'webhook-id': headers['webhook-id'] ?? '',
        'webhook-timestamp': headers['webhook-timestamp'] ?? '',
        'webhook-signature': headers['webhook-signature'] ?? '',
      },
      { jsonParse: false },
    );
    return 'valid';
  } catch (error) {
    if (error instanceof WebhookVerificationError && /too old|too new/.test(error.message)) return 'stale';
    return error instanceof WebhookVerificationError && /Invalid Signature Headers/.test(error.message)
      ? 'malformed'
      : 'mismatch';
  }
}

export function checkOpenphoneSignature(
  secret: string | undefined,
  raw: Buffer,
  headers: OpenphoneHeaders,
  now: Date,
): OpenphoneSignatureCheck {
  if (secret === undefined) return 'not_configured';
  const legacy = headers['openphone-signature'];
  if (legacy !== undefined && legacy !== '') return checkLegacy(secret, raw, legacy, now);
  if (headers['webhook-signature'] !== undefined && headers['webhook-signature'] !== '')
    return checkStandard(secret, raw, headers);
  return 'missing';
}

/** The legacy `openphone-signature` header for a body (fakes, the demo and tests sign with this). */
export function signOpenphoneLegacy(secret: string, body: string, at: Date): string {
  const timestamp = String(at.getTime());
  return `hmac;1;${timestamp};${legacyDigest(keyOf(secret), timestamp, body).toString('base64')}`;
}

/** Standard Webhooks headers for a body, signed with a `whsec_…` secret. */
export function signOpenphoneStandard(
  secret: string,
  id: string,
  body: string,
  at: Date,
): Required<Pick<OpenphoneHeaders, 'webhook-id' | 'webhook-timestamp' | 'webhook-signature'>> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
