// Helpers for NATS bus tests: isolated names on the shared server, envelopes, waiting for conditions.
import { randomUUID } from 'node:crypto';
import type { Envelope } from '../../src/domain/envelope.ts';
import { NatsBus } from '../../src/bus/nats/nats-bus.ts';
import type { NatsBusOptions } from '../../src/bus/nats/nats-bus-config.ts';
import { uniqueNatsNamespace } from '../helpers/nats.ts';

export type Namespace = Pick<NatsBusOptions, 'streamName' | 'subjectPrefix' | 'leaseBucket'>;

export function isolatedNames(): Namespace {
  const ns = uniqueNatsNamespace();
  return { streamName: `LEADLINE_INBOX_${ns}`, subjectPrefix: `${ns}.inbox`, leaseBucket: `${ns}_leases` };
}

export async function connectBus(
  url: string,
  names: Namespace,
  overrides: Partial<NatsBusOptions> = {},
): Promise<NatsBus> {
  return NatsBus.connect({ servers: url, partitions: 4, leaseMs: 2000, ...names, ...overrides });
}

export function testEnvelope(
  leadId: string,
  n: number,
  id = `test:${leadId}:${n}:${randomUUID()}`,
): Envelope {
  const at = new Date().toISOString();
  return {
    id,
    leadId,
    actorType: 'test',
    studioId: 'studio-test',
    acceptedAt: at,
    traceId: `trace-${n}`,
    event: { type: 'test.step', at, n },
  };
}

/** Polls `condition` until it holds or the deadline passes (then throws with `what`). */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
