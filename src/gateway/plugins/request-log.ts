// One structured log line per request (Fastify's own two lines are disabled in app.ts). Secrets in headers
// are redacted by the logger; what the URL carries is masked here: phone numbers (admin lookups by phone),
// secrets in the query (Meta's handshake sends WHATSAPP_VERIFY_TOKEN as hub.verify_token) and the
// capability tokens of artist action links and media links (whoever reads them could act or download).
import fp from 'fastify-plugin';
import { maskPhone } from '../../observability/logger.ts';

const PHONE_PARAM = /([?&]phone=)([^&#]*)/gi;
/** Query parameters whose value is a secret: hub.verify_token, token, access_token, api_key, secret… */
const SECRET_PARAM = /([?&][^=&#]*(?:token|secret|key|password|signature)[^=&#]*=)([^&#]*)/gi;
/** Paths whose last part is a bearer capability (src/gateway/routes/action-links.ts, attachments.ts). */
const TOKEN_PATH = /^(\/(?:a|media)\/)[^?#]*/;

export function maskUrl(url: string): string {
  return url
    .replace(TOKEN_PATH, '$1[redacted]')
    .replace(SECRET_PARAM, '$1[redacted]')
    .replace(PHONE_PARAM, (_all, prefix: string, value: string) => {
      let phone = value;
      try {
        phone = decodeURIComponent(value.replace(/\+/g, '%2B'));
      } catch {
        // not valid percent-encoding: mask the raw text
      }
      return `${prefix}${maskPhone(phone)}`;
    });
}

/** Global (fastify-plugin): the hook must see every route of the app. */
export const requestLogPlugin = fp(
  (app, _options, registered) => {
    app.addHook('onResponse', (request, reply, done) => {
      const level = reply.statusCode >= 500 ? 'error' : 'info';
      request.log[level](
        {
          method: request.method,
          url: maskUrl(request.url),
          route: request.routeOptions.url,
          statusCode: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request',
      );
      done();
    });
    registered();
  },
  { name: 'leadline-request-log' },
);
