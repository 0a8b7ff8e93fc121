// NATS for tests: the suite's shared server (names isolated per test) or `describe.skipIf` when absent.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** The shared NATS URL, or null (suite skipped loudly; global setup fails first when NATS is required). */
export function natsUrl(): string | null {
  return inject('natsUrl');
}

/** A unique suffix for stream / KV / subject names so test files never see each other's data. */
export function uniqueNatsNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}
