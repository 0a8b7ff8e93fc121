// Webhook signatures are computed over the exact bytes the provider sent (Meta escapes non-ASCII, so a
// re-serialised body would not match). Registered inside the webhook routes' scope only: there the JSON
// body arrives as a Buffer and the route parses it after the signature check.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.ts';

export function keepRawJsonBody(scope: FastifyInstance): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
}

/** The raw body of a webhook request (empty when the request had none). */
export function rawBodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

/** The raw body as JSON, once its signature was checked; not JSON is MALFORMED_JSON (400). */
export function parseRawJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new GatewayError('MALFORMED_JSON');
  }
}
