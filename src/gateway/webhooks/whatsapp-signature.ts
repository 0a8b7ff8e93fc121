// Meta signs each webhook with `X-Hub-Signature-256: sha256=<hex>`, an HMAC-SHA256 of the raw body bytes
// under the app secret. Compared in constant time; a malformed header is simply a mismatch.
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([\da-f]{64})$/i;

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch' | 'not_configured';

export function signWhatsappBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function checkWhatsappSignature(
  secret: string | undefined,
  rawBody: Buffer,
  header: string | undefined,
): SignatureCheck {
  if (secret === undefined) return 'not_configured';
  if (header === undefined || header === '') return 'missing';
  const match = HEADER.exec(header.trim());
  if (!match?.[1]) return 'malformed';
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return timingSafeEqual(expected, given) ? 'valid' : 'mismatch';
}
