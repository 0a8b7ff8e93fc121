// Twilio signs each webhook with `X-Twilio-Signature`: base64 HMAC-SHA1 under the account's auth token of
// the public URL it posted to (PUBLIC_BASE_URL + path + query) followed by every POST parameter name and
// value, sorted by name. We use the `twilio` package's own validator (its webhooks module only, not the
// REST client): it also accepts the URL with and without the default port, because Twilio's backend signs
// either form, and compares in constant time.
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import type { SignatureCheck } from './whatsapp-signature.ts';

/** Form parameters as Twilio posts them: a repeated name carries every value. */
export type TwilioParams = Readonly<Record<string, string | readonly string[]>>;

/** The URL Twilio signed: our public base URL (no trailing slash) + the request's path and query. */
export function twilioSignedUrl(publicBaseUrl: string, pathAndQuery: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${pathAndQuery}`;
}

export function checkTwilioSignature(
  authToken: string | undefined,
  url: string | undefined,
  params: TwilioParams,
  header: string | undefined,
): SignatureCheck {
  if (authToken === undefined || url === undefined) return 'not_configured';
  if (header === undefined || header.trim() === '') return 'missing';
  return webhooks.validateRequest(authToken, header.trim(), url, params) ? 'valid' : 'mismatch';
}

/** The header value Twilio would send (fakes, the demo and tests sign with this). */
export function signTwilioRequest(authToken: string, url: string, params: TwilioParams): string {
  return webhooks.getExpectedTwilioSignature(authToken, url, params);
}
