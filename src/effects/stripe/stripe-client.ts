// The real `stripe` client, pointed at STRIPE_API_BASE_URL when set (tests: a local fake). The relay owns
// retries (with the outbox row id as Idempotency-Key), so the client's own network retries are off.
import Stripe from 'stripe';
import { permanent, retryable, type EffectError } from '../effect-errors.ts';

export function createStripeClient(
  secretKey: string,
  baseUrl: string | undefined,
  timeoutMs: number,
): Stripe {
  const target = baseUrl ? new URL(baseUrl) : undefined;
  return new Stripe(secretKey, {
    maxNetworkRetries: 0,
    timeout: timeoutMs,
    ...(target
      ? {
          host: target.hostname,
          port: target.port || (target.protocol === 'https:' ? 443 : 80),
          protocol: target.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}

/** Stripe's error classes → retryable (connection, 5xx, 429, lock timeouts) or permanent (everything else). */
export function stripeError(error: unknown): EffectError {
  if (!(error instanceof Stripe.errors.StripeError)) {
    const message = error instanceof Error ? error.message : String(error);
    return retryable(`Stripe: ${message}`, { reason: 'unexpected' }, error);
  }
  const status = error.statusCode;
  const retryAfter = error.headers?.['retry-after'];
  const details = {
    code: error.code ?? null,
    ...(retryAfter && Number.isFinite(Number(retryAfter)) ? { retryAfterMs: Number(retryAfter) * 1000 } : {}),
  };
  const message = `Stripe ${status ?? 'network'} ${error.type}: ${error.message}`;
  if (error instanceof Stripe.errors.StripeConnectionError || status === undefined)
    return retryable(message, { ...details, reason: 'network' }, error);
  if (status === 429 || error.code === 'lock_timeout')
    return retryable(message, { ...details, reason: 'rate_limited' }, error);
  if (status >= 500) return retryable(message, { ...details, reason: 'provider_unavailable' }, error);
  return permanent(message, { ...details, reason: 'rejected' }, error);
}
