// When failures are retried. Which ones are worth retrying is decided by src/domain/failures.ts: a
// permanent failure (the envelope can never be applied: bad shape, unknown actor type, a write PostgreSQL
// refuses for its content) dead-letters at once; a transient one (a database hiccup, a machine that
// throws) is retried with the configured backoff while only its lead waits.
import { parseDuration } from '../domain/durations.ts';
import { PermanentFailure } from '../domain/failures.ts';

export const DEFAULT_RETRY_DELAYS = '1m,2m,4m,8m,16m';

/** Thrown (or wrapped) for failures that retrying cannot fix. */
export class TerminalError extends PermanentFailure {
  override name = 'TerminalError';
  constructor(message: string) {
    super(message, 'undecodable');
  }
}

/** "1m,2m,4m" → [60000, 120000, 240000]; throws on a malformed entry. */
export function parseRetryDelays(text: string): number[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const ms = parseDuration(part);
      if (ms === undefined) throw new Error(`Invalid retry delay "${part}" (expected e.g. "90s", "2m")`);
      return ms;
    });
}

/**
 * The delay before retry number `attempts` (1-based count of failed attempts so far), or undefined when
 * the retries are exhausted and the message must become a dead letter.
 */
export function nextRetryDelay(delays: readonly number[], attempts: number): number | undefined {
  return delays[attempts - 1];
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
