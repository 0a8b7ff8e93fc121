// The three measurements, each against a running host: pipelined throughput, latency at a fixed offered
// load, and memory after touching many distinct leads once. Messages are test-counter `test.add` events:
// each commit advances a ~1.5 KB snapshot and writes one outbox row.
import { performance } from 'node:perf_hooks';
import type { Envelope } from '../src/domain/envelope.ts';
import type { Bus } from '../src/bus/bus.ts';
import type { CommitClock } from './commit-clock.ts';

export interface Rig {
  bus: Bus;
  clock: CommitClock;
  runId: string;
}

function addEnvelope(runId: string, lead: number, value: number, i: number): Envelope {
  const at = new Date().toISOString();
  return {
    id: `bench:${runId}:${i}`,
    leadId: `bench_${runId}_${lead}`,
    actorType: 'test',
    studioId: 'bench',
    acceptedAt: at,
    event: { type: 'test.add', at, value },
  };
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Publishes `messages` over `leads` with `window` publishes outstanding; returns msgs/s publish→commit. */
export async function measureThroughput(
  rig: Rig,
  options: { leads: number; messages: number; window: number; tag: string },
): Promise<{ msgsPerSec: number; seconds: number }> {
  const base = rig.clock.committed();
  const start = performance.now();
  let next = 0;
  const publisher = async () => {
    while (next < options.messages) {
      const i = next++;
      const lead = i % options.leads;
      await rig.bus.publish(
        addEnvelope(`${rig.runId}${options.tag}`, lead, Math.floor(i / options.leads), i),
      );
    }
  };
  await Promise.all(Array.from({ length: options.window }, publisher));
  await waitUntil(() => rig.clock.committed() - base >= options.messages, 600_000, 'commits');
  const seconds = (performance.now() - start) / 1000;
  return { msgsPerSec: Math.round(options.messages / seconds), seconds };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? Number.NaN) * 10) / 10;
}

/** Offers `ratePerSec` messages per second for `seconds`; returns publish→commit latency percentiles. */
export async function measureLatency(
  rig: Rig,
  options: { leads: number; ratePerSec: number; seconds: number },
): Promise<{ messages: number; p50Ms: number; p99Ms: number; p999Ms: number; maxMs: number }> {
  const total = Math.round(options.ratePerSec * options.seconds);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  rig.clock.onCommit((id, at) => {
    const sent = sentAt.get(id);
    if (sent === undefined) return;
    sentAt.delete(id);
    latencies.push(at - sent);
  });
  const start = performance.now();
  let published = 0;
  const failures: unknown[] = [];
  while (published < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * options.ratePerSec) / 1000));
    for (; published < due; published++) {
      const envelope = addEnvelope(`${rig.runId}l`, published % options.leads, 0, published);
      sentAt.set(envelope.id, performance.now());
      rig.bus.publish(envelope).catch((error: unknown) => failures.push(error));
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await waitUntil(() => latencies.length + failures.length >= total, 120_000, 'latency commits');
  rig.clock.onCommit(undefined);
  if (failures.length > 0) throw new Error(`bench: ${failures.length} publishes failed`);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    messages: total,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
    maxMs: percentile(sorted, 100),
  };
}
