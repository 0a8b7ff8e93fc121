// One structured log line per request (Fastify's own two lines are disabled in app.ts). Secrets in headers
// are redacted by the logger; phone numbers in the URL (admin lookups by phone) are masked here.
import { maskPhone } from '../../observability/logger.ts';
import { globalPlugin } from './global-plugin.ts';

const PHONE_PARAM = /([?&]phone=)([^&#]*)/gi;

export function maskUrl(url: string): string {
  return url.replace(PHONE_PARAM, (_all, prefix: string, value: string) => {
    let phone = value;
    try {
      phone = decodeURIComponent(value.replace(/\+/g, '%2B'));
    } catch {
      // not valid percent-encoding: mask the raw text
    }
    return `${prefix}${maskPhone(phone)}`;
  });
}

export const requestLogPlugin = globalPlugin((app) => {
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
});
