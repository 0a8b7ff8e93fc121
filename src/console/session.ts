// Console sessions without server state: the cookie holds `<expiry>.<nonce>.<mac>`, an HMAC over expiry and
// nonce keyed by a hash of ADMIN_API_KEY, so changing the key signs everyone out. The CSRF token is a second
// HMAC of the same session (a different purpose), sent back in a hidden field or htmx header on every POST:
// SameSite=Strict already keeps other sites' requests from carrying the cookie, the token covers browsers
// and proxies where that is not enforced.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'leadline_console';
export const SESSION_TTL_MS = 12 * 3_600_000;

function key(adminKey: string, purpose: string): Buffer {
  return createHash('sha256').update(`leadline-console:${purpose}:${adminKey}`).digest();
}

function mac(adminKey: string, purpose: string, text: string): string {
  return createHmac('sha256', key(adminKey, purpose)).update(text).digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newSession(adminKey: string, now: Date): string {
  const body = `${now.getTime() + SESSION_TTL_MS}.${randomBytes(12).toString('base64url')}`;
  return `${body}.${mac(adminKey, 'session', body)}`;
}

/** True when the cookie value is a live session signed with this admin key. */
export function validSession(adminKey: string | undefined, value: string | undefined, now: Date): boolean {
  if (adminKey === undefined || value === undefined) return false;
  const [expiry, nonce, signature] = value.split('.');
  if (expiry === undefined || nonce === undefined || signature === undefined) return false;
  if (!same(signature, mac(adminKey, 'session', `${expiry}.${nonce}`))) return false;
  return Number(expiry) > now.getTime();
}

export function csrfToken(adminKey: string, session: string): string {
  return mac(adminKey, 'csrf', session);
}

export function validCsrf(adminKey: string, session: string, presented: string | undefined): boolean {
  return presented !== undefined && same(presented, csrfToken(adminKey, session));
}
