// Compact signed tokens for URLs: `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`. The HMAC key is
// derived per purpose, so an action-link token can never be replayed as a media token or the reverse.
import { createHmac, timingSafeEqual } from 'node:crypto';

function mac(part: string, secret: string, purpose: string): Buffer {
  const key = createHmac('sha256', secret).update(`leadline:${purpose}`).digest();
  return createHmac('sha256', key).update(part).digest();
}

export function signToken(payload: unknown, secret: string, purpose: string): string {
  const part = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${part}.${mac(part, secret, purpose).toString('base64url')}`;
}

/** The payload when the signature is good (not yet checked for shape or expiry); undefined otherwise. */
export function verifyToken(token: string, secret: string, purpose: string): unknown {
  const [part, signature, extra] = token.split('.');
  if (!part || !signature || extra !== undefined) return undefined;
  const expected = mac(part, secret, purpose);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
