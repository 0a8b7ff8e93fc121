// The load a webhook-e2e run offers: leads, each sending its conversation's lines along one path
// (bench-paths.ts) with bounded concurrency, a line only once the previous one is done (every reply to it
// reached the lead). The replies each line gets are learnt first from one calibration lead.
import { performance } from 'node:perf_hooks';
import { newPhaseStats, type BenchPath, type LoadLead } from './bench-paths.ts';
import type { BenchStudio } from './studios.ts';

/** Lead n of a run tagged `tag` (0–9): UK mobile numbers +4478<tag><7 digits>, one studio each in turn. */
export function loadLeads(studios: readonly BenchStudio[], count: number, tag: number, from = 0): LoadLead[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const phone = `+4478${tag}${String(n).padStart(7, '0')}`;
    const studio = studios[n % studios.length];
    if (!studio) throw new Error('bench: no studios');
    return { studio, phone, digits: phone.slice(1) };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays every line with one lead, waiting for quiet after each, and returns the replies per line. */
export async function calibrate(
  path: BenchPath,
  lead: LoadLead,
  lines: readonly string[],
): Promise<number[]> {
  const stats = newPhaseStats();
  const counts: number[] = [];
  for (const line of lines) {
    const before = stats.replies;
    // Expecting no end: the line's replies are counted until they stop.
    await path.send(lead, line, Number.POSITIVE_INFINITY, stats).answered;
    const deadline = performance.now() + 30_000;
    // A line's replies leave one after another (oldest first per lead): 1.5 s without one means done.
    while (
      (stats.replies === before || performance.now() - stats.lastReplyAt < 1_500) &&
      performance.now() < deadline
    )
      await sleep(50);
    if (stats.replies === before) throw new Error(`bench: no reply to "${line}" within 30 s`);
    counts.push(stats.replies - before);
  }
  return counts;
}

export interface PhaseResult {
  /** Lines posted. */
  webhooks: number;
  replies: number;
  /** API answers past the reply timeout. */
  answered202: number;
  acceptedSeconds: number;
  deliveredSeconds: number;
  latencies: number[];
}

/**
 * Throughput: every lead plays `lines` (a line once the previous one is done), with at most `concurrency`
 * posts in flight. The posts are answered as fast as the system takes them.
 */
export async function playConversations(
  path: BenchPath,
  leads: readonly LoadLead[],
  lines: readonly string[],
  repliesPerLine: readonly number[],
  concurrency: number,
): Promise<PhaseResult> {
  const stats = newPhaseStats();
  const start = performance.now();
  const total = leads.length * lines.length;
  let acceptedAt = start;
  let claimed = 0;
  let delivered = 0;
  const ready: { lead: LoadLead; line: number }[] = leads.map((lead) => ({ lead, line: 0 }));
  const waiters: (() => void)[] = [];
  let allDelivered: () => void = () => undefined;
  const everyReply = new Promise<void>((resolve) => (allDelivered = resolve));
  const sender = async () => {
    while (claimed < total) {
      const next = ready.shift();
      if (!next) {
        await new Promise<void>((resolve) => waiters.push(resolve));
        continue;
      }
      claimed++;
      const sent = path.send(next.lead, lines[next.line] ?? '', repliesPerLine[next.line] ?? 0, stats);
      // A failed post rejects `answered` too, which ends the phase below.
      sent.done.then(
        () => {
          if (next.line + 1 < lines.length) {
            ready.push({ lead: next.lead, line: next.line + 1 });
            waiters.shift()?.();
          }
          if (++delivered === total) allDelivered();
        },
        () => undefined,
      );
      await sent.answered;
      acceptedAt = performance.now();
    }
    // Nothing left to post: let the other senders see it too.
    for (const wake of waiters.splice(0)) wake();
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  await everyReply;
  return {
    webhooks: total,
    replies: stats.replies,
    answered202: stats.answered202,
    acceptedSeconds: (acceptedAt - start) / 1000,
    deliveredSeconds: (performance.now() - start) / 1000,
    latencies: stats.latencies,
  };
}

/** Latency: first lines of fresh leads at `ratePerSec` (open loop), until every reply arrived. */
export async function offerLoad(
  path: BenchPath,
  leads: readonly LoadLead[],
  line: string,
  replies: number,
  ratePerSec: number,
): Promise<PhaseResult> {
  const stats = newPhaseStats();
  const start = performance.now();
  const deliveries: Promise<void>[] = [];
  const failures: unknown[] = [];
  let sent = 0;
  while (sent < leads.length) {
    const due = Math.min(leads.length, Math.floor(((performance.now() - start) * ratePerSec) / 1000));
    for (; sent < due; sent++) {
      const lead = leads[sent];
      if (!lead) break;
      const line_ = path.send(lead, line, replies, stats);
      deliveries.push(line_.done.catch(() => undefined));
      line_.answered.catch((error: unknown) => failures.push(error));
    }
    await sleep(2);
  }
  const acceptedAt = performance.now();
  const timeout = new Promise<void>((_, reject) =>
    setTimeout(
      () => reject(new Error(`bench: replies missing after 120 s (${failures.length} posts failed)`)),
      120_000,
    ).unref(),
  );
  await Promise.race([Promise.all(deliveries), timeout]);
  if (failures.length > 0) throw new Error(`bench: ${failures.length} posts failed: ${String(failures[0])}`);
  return {
    webhooks: leads.length,
    replies: stats.replies,
    answered202: stats.answered202,
    acceptedSeconds: (acceptedAt - start) / 1000,
    deliveredSeconds: (performance.now() - start) / 1000,
    latencies: stats.latencies,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? Number.NaN) * 10) / 10;
}
