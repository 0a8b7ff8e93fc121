// Admin routes are rate limited per client address (in memory: per gateway process). Webhooks are not:
// Meta and Stripe retry on 429, and their volume is bounded by the conversations themselves.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.ts';

export interface AdminRateLimitOptions {
  max: number;
  timeWindowMs: number;
}

export async function registerAdminRateLimit(
  scope: FastifyInstance,
  options: AdminRateLimitOptions,
): Promise<void> {
  await scope.register(rateLimit, {
    global: true,
    max: options.max,
    timeWindow: options.timeWindowMs,
    errorResponseBuilder: (_request, context) =>
      new GatewayError('RATE_LIMITED', { details: { retryAfter: context.after, limit: context.max } }),
  });
}
