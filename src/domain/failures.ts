// The one place that decides whether a failure can pass on retry (architecture invariant 13). The actor
// host, the retry pass and the outbox relay all ask `classifyFailure`:
// - permanent: it will fail identically on every attempt (PostgreSQL data, encoding, constraint or SQL
//   errors, invalid JSON, a zod failure of a stored payload, an envelope no machine decodes, a provider's
//   refusal). Retrying only blocks the lead: dead-letter (or fail the effect) at once, with the cause.
// - transient: it may pass later (connection lost or refused, serialisation failure, deadlock, lock or
//   statement timeouts, the database starting or shutting down, a provider's 5xx or 429). Back off.
// Anything unrecognised is transient: a bug may be fixed by a deploy while the message waits its backoff.
import { ZodError } from 'zod';

export type FailureClass = 'permanent' | 'transient';

export interface ClassifiedFailure {
  class: FailureClass;
  /** A short machine-readable cause, e.g. `pg_encoding`, `pg_constraint`, `connection`, `provider`. */
  cause: string;
}

/** Thrown (or set as a `cause`) for failures that retrying cannot fix. */
export class PermanentFailure extends Error {
  override name = 'PermanentFailure';
  readonly failureCause: string;
  constructor(message: string, failureCause = 'permanent', options?: { cause?: unknown }) {
    super(message, options);
    this.failureCause = failureCause;
  }
}

const permanent = (cause: string): ClassifiedFailure => ({ class: 'permanent', cause });
const transient = (cause: string): ClassifiedFailure => ({ class: 'transient', cause });

// PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
function fromSqlState(code: string): ClassifiedFailure | undefined {
  if (code === '40001') return transient('pg_serialization');
  if (code === '40P01') return transient('pg_deadlock');
  if (code === '55P03') return transient('pg_lock_timeout');
  if (code === '57014') return transient('pg_timeout');
  if (code.startsWith('08')) return transient('connection');
  if (code.startsWith('57P') || code.startsWith('53') || code.startsWith('58'))
    return transient('pg_unavailable');
  if (code === '22021' || code === '22P05' || code === '22P02' || code === '22032')
    return permanent('pg_encoding');
  if (code.startsWith('22')) return permanent('pg_data');
  if (code.startsWith('23')) return permanent('pg_constraint');
  if (code.startsWith('42')) return permanent('pg_statement');
  return undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

const TRANSIENT_MESSAGE =
  /connection terminated|connection (?:refused|reset|closed|timeout)|timeout exceeded|timed out|server closed the connection|client has encountered a connection error|CONNECTION_CLOSED|Client was closed/i;

function classifyOne(error: unknown): ClassifiedFailure | undefined {
  if (error instanceof PermanentFailure) return permanent(error.failureCause);
  if (error instanceof ZodError) return permanent('invalid_payload');
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; code?: unknown; retryable?: unknown; message?: unknown };
  // A provider error already classified by its client (src/effects/effect-errors.ts): 5xx/429/network
  // are retryable, a refusal is not.
  if (typeof e.retryable === 'boolean') return e.retryable ? transient('provider') : permanent('provider');
  if (e.name === 'FencingConflict') return transient('fencing');
  if (typeof e.code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(e.code)) {
      const state = fromSqlState(e.code);
      if (state) return state;
    }
    if (NETWORK_CODES.has(e.code) || e.code.startsWith('UND_ERR')) return transient('connection');
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return transient('timeout');
  if (error instanceof SyntaxError) return permanent('invalid_json');
  if (typeof e.message === 'string' && TRANSIENT_MESSAGE.test(e.message)) return transient('connection');
  return undefined;
}

/** Classifies an error, looking through its `cause` chain (wrappers keep the original's class). */
export function classifyFailure(error: unknown): ClassifiedFailure {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    const found = classifyOne(current);
    if (found) return found;
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return transient('unknown');
}

export function isPermanent(error: unknown): boolean {
  return classifyFailure(error).class === 'permanent';
}
