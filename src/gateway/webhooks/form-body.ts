// Twilio posts `application/x-www-form-urlencoded`. The signature covers every parameter as received, so
// the body is parsed here into exactly those names and values (a repeated name keeps all its values) and
// nothing is dropped or coerced before the check. Registered inside the Twilio routes' scope only.
import type { FastifyInstance } from 'fastify';
import type { TwilioParams } from './twilio-signature.ts';

export function parseForm(raw: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const seen = params[name];
    if (seen === undefined) params[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else params[name] = [seen, value];
  }
  return params;
}

export function acceptFormBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, parseForm(typeof body === 'string' ? body : body.toString('utf8')));
    },
  );
}

/** The form of a request (empty when it had none or another type). */
export function formOf(body: unknown): TwilioParams {
  return body !== null && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as TwilioParams) : {};
}

/** The first value of a parameter. */
export function param(params: TwilioParams, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' ? value : value?.[0];
}
