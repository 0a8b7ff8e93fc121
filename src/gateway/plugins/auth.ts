// Admin authentication: ADMIN_API_KEY in `X-API-Key` or `Authorization: Bearer`. Both sides are hashed
// first so timingSafeEqual compares equal-length buffers and the key's length does not leak. With no key
// configured every admin call is refused (fail closed).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function presentedKey(request: FastifyRequest): string | undefined {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  const authorization = request.headers.authorization;
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return match?.[1]?.trim();
}

export function keyMatches(configured: string | undefined, presented: string | undefined): boolean {
  if (configured === undefined || presented === undefined) return false;
  return timingSafeEqual(digest(configured), digest(presented));
}

/** An onRequest hook for the admin scope. */
export function requireAdminKey(configured: string | undefined) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    done(keyMatches(configured, presentedKey(request)) ? undefined : new GatewayError('UNAUTHORIZED'));
  };
}
