// The load a webhook-e2e run offers: leads, each sending its conversation's lines as signed WhatsApp
// webhooks over keep-alive HTTP (undici Pool, bounded concurrency), a line only after every reply to the
// previous one reached the fake Graph API. A reply is timed from just before its webhook was posted to its
// arrival at the Graph fake; the replies each line gets are learnt first from one calibration lead.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { whatsappTextWebhook } from '../../src/cli/demo-conversation.ts';
import type { BenchGraph } from './fake-graph.ts';
import type { BenchStudio } from './studios.ts';
import { APP_SECRET } from './system-under-test.ts';

export interface LoadLead {
  studio: BenchStudio;
  phone: string;
  digits: string;
}

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

interface Pending {
  postedAt: number;
  expected: number;
  got: number;
  firstAt: number | undefined;
  done: () => void;
}

/** Routes each Graph send to the lead line waiting for it; a lead has at most one line outstanding. */
export class ReplyTracker {
  readonly #pending = new Map<string, Pending>();
  readonly latencies: number[] = [];
  unexpected = 0;
  replies = 0;

  constructor(graph: BenchGraph) {
    graph.onSend((digits, at) => {
      const waiting = this.#pending.get(digits);
      if (!waiting) {
        this.unexpected++;
        return;
      }
      this.replies++;
      if (waiting.firstAt === undefined) {
        waiting.firstAt = at;
        this.latencies.push(at - waiting.postedAt);
      }
      if (++waiting.got >= waiting.expected) {
        this.#pending.delete(digits);
        waiting.done();
      }
    });
  }

  /** Registers the line about to be posted; resolves once `expected` sends reached the lead. */
  expect(digits: string, expected: number): { posted: () => void; delivered: Promise<void> } {
    let done: () => void = () => undefined;
    const delivered = new Promise<void>((resolve) => (done = resolve));
    const entry: Pending = { postedAt: performance.now(), expected, got: 0, firstAt: undefined, done };
    if (expected === 0) done();
    else this.#pending.set(digits, entry);
    return { posted: () => (entry.postedAt = performance.now()), delivered };
  }
}

export class WebhookPoster {
  readonly #pool: Pool;

  constructor(url: string, connections: number) {
    this.#pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async post(lead: LoadLead, text: string): Promise<void> {
    const hook = whatsappTextWebhook({
      phoneNumberId: lead.studio.phoneNumberId,
      phone: lead.phone,
      name: 'Bench Lead',
      text,
      appSecret: APP_SECRET,
      at: new Date(),
    });
    const response = await this.#pool.request({
      path: '/webhooks/whatsapp',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hook.signature },
      body: hook.body,
    });
    const text_ = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`bench: webhook answered ${response.statusCode}: ${text_}`);
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** Plays every line with one lead, waiting for quiet after each, and returns the replies per line. */
export async function calibrate(
  poster: WebhookPoster,
  graph: BenchGraph,
  lead: LoadLead,
  lines: readonly string[],
): Promise<number[]> {
  const counts: number[] = [];
  let got = 0;
  let last = performance.now();
  graph.onSend((digits) => {
    if (digits === lead.digits) {
      got++;
      last = performance.now();
    }
  });
  for (const line of lines) {
    const before = got;
    await poster.post(lead, line);
    const deadline = performance.now() + 30_000;
    // A line's replies leave one after another (oldest first per lead): 1.5 s without one means done.
    while ((got === before || performance.now() - last < 1_500) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (got === before) throw new Error(`bench: no reply to "${line}" within 30 s`);
    counts.push(got - before);
  }
  return counts;
}

export interface PhaseResult {
  webhooks: number;
  replies: number;
  acceptedSeconds: number;
  deliveredSeconds: number;
  latencies: number[];
  unexpected: number;
}

/**
 * Throughput: every lead plays `lines` (a line once all replies to the previous one arrived), with at most
 * `concurrency` webhooks in flight. The webhooks are accepted as fast as the gateway takes them.
 */
export async function playConversations(
  poster: WebhookPoster,
  graph: BenchGraph,
  leads: readonly LoadLead[],
  lines: readonly string[],
  repliesPerLine: readonly number[],
  concurrency: number,
): Promise<PhaseResult> {
  const tracker = new ReplyTracker(graph);
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
      const waiting = tracker.expect(next.lead.digits, repliesPerLine[next.line] ?? 0);
      void waiting.delivered.then(() => {
        if (next.line + 1 < lines.length) {
          ready.push({ lead: next.lead, line: next.line + 1 });
          waiters.shift()?.();
        }
        if (++delivered === total) allDelivered();
      });
      waiting.posted();
      await poster.post(next.lead, lines[next.line] ?? '');
      acceptedAt = performance.now();
    }
    // Nothing left to post: let the other senders see it too.
    for (const wake of waiters.splice(0)) wake();
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  await everyReply;
  return {
    webhooks: total,
    replies: tracker.replies,
    acceptedSeconds: (acceptedAt - start) / 1000,
    deliveredSeconds: (performance.now() - start) / 1000,
    latencies: tracker.latencies,
    unexpected: tracker.unexpected,
  };
}

/** Latency: first lines of fresh leads at `ratePerSec` (open loop), until every reply arrived. */
export async function offerLoad(
  poster: WebhookPoster,
  graph: BenchGraph,
  leads: readonly LoadLead[],
  line: string,
  replies: number,
  ratePerSec: number,
): Promise<PhaseResult> {
  const tracker = new ReplyTracker(graph);
  const start = performance.now();
  const deliveries: Promise<void>[] = [];
  const failures: unknown[] = [];
  let sent = 0;
  while (sent < leads.length) {
    const due = Math.min(leads.length, Math.floor(((performance.now() - start) * ratePerSec) / 1000));
    for (; sent < due; sent++) {
      const lead = leads[sent];
      if (!lead) break;
      const waiting = tracker.expect(lead.digits, replies);
      deliveries.push(waiting.delivered);
      poster.post(lead, line).catch((error: unknown) => failures.push(error));
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const acceptedAt = performance.now();
  const timeout = new Promise<void>((_, reject) =>
    setTimeout(
      () => reject(new Error(`bench: replies missing after 120 s (${failures.length} posts failed)`)),
      120_000,
    ).unref(),
  );
  await Promise.race([Promise.all(deliveries), timeout]);
  if (failures.length > 0)
    throw new Error(`bench: ${failures.length} webhooks failed: ${String(failures[0])}`);
  return {
    webhooks: leads.length,
    replies: tracker.replies,
    acceptedSeconds: (acceptedAt - start) / 1000,
    deliveredSeconds: (performance.now() - start) / 1000,
    latencies: tracker.latencies,
    unexpected: tracker.unexpected,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? Number.NaN) * 10) / 10;
}
