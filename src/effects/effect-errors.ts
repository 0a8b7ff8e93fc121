// Every provider failure is classified before it reaches the relay: retryable (timeouts, 5xx, 429,
// connection resets, provider rate limits) or permanent (bad request, window closed, expired media). The
// relay never has to guess from a message string.
import { classifyFailure } from '../domain/failures.ts';

export interface EffectErrorDetails {
  /** Provider error code when there is one (Graph `error.code`, Stripe `code`). */
  code?: number | string | null;
  /** Provider asked us to wait at least this long (HTTP Retry-After). */
  retryAfterMs?: number;
  /** A machine-readable reason, e.g. `outside_window`, `too_large`, `media_expired`. */
  reason?: string;
}

export class EffectError extends Error {
  override name = 'EffectError';
  readonly retryable: boolean;
  readonly code: number | string | null;
  readonly retryAfterMs: number | undefined;
  readonly reason: string;

  constructor(retryable: boolean, message: string, details: EffectErrorDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.retryable = retryable;
    this.code = details.code ?? null;
    this.retryAfterMs = details.retryAfterMs;
    this.reason = details.reason ?? (retryable ? 'retryable' : 'permanent');
  }
}

export function retryable(message: string, details?: EffectErrorDetails, cause?: unknown): EffectError {
  return new EffectError(true, message, details, cause);
}

export function permanent(message: string, details?: EffectErrorDetails, cause?: unknown): EffectError {
  return new EffectError(false, message, details, cause);
}

/**
 * Not a failure: the channel's policy says not now (SMS quiet hours). The relay puts the row back, with no
 * attempt spent, to run again at `until`.
 */
export class DeferredEffect extends Error {
  override name = 'DeferredEffect';
  readonly until: Date;
  constructor(until: Date, reason: string) {
    super(`deferred until ${until.toISOString()}: ${reason}`);
    this.until = until;
  }
}

/**
 * Anything not already classified by a provider client is classified by src/domain/failures.ts: a failure
 * that repeats identically (a zod failure, a database refusal of the content) fails at once; the rest
 * (timeouts, lost connections, a bug in our code) retries, then fails.
 */
export function classify(error: unknown): EffectError {
  if (error instanceof EffectError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const failure = classifyFailure(error);
  return failure.class === 'permanent'
    ? permanent(message, { reason: failure.cause }, error)
    : retryable(message, { reason: failure.cause === 'unknown' ? 'unexpected' : failure.cause }, error);
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
