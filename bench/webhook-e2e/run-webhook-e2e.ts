// The webhook-e2e workload: signed WhatsApp webhooks over HTTP into a real system (Leadline's processes or
// the baseline), the real lead machine, replies delivered to a fake Graph API by the system's relay.
// One JSON line per result; then Leadline ÷ baseline per figure. Settings (env, see bench/README.md):
//   BENCH_E2E_SYSTEMS=leadline:single,leadline:nats,leadline:nats-split,baseline:single
//   BENCH_E2E_LEADS=10000  BENCH_E2E_LINES=2  BENCH_E2E_CONCURRENCY=256  BENCH_E2E_STUDIOS=128
//   BENCH_E2E_RATE=1000  BENCH_E2E_LATENCY_SECONDS=10
//   BENCH_E2E_GROWTH=1000,10000,100000 (opt-in: leads touched once, committed/s and RSS per size)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { demoLines } from '../../src/cli/demo-conversation.ts';
import type { Db } from '../../src/persistence/database.ts';
import type { BenchInfra } from '../bench-infra.ts';
import {
  calibrate,
  loadLeads,
  offerLoad,
  percentile,
  playConversations,
  WebhookPoster,
  type PhaseResult,
} from './conversation-load.ts';
import { startBenchGraph } from './fake-graph.ts';
import { benchStudios, writeStudioFile } from './studios.ts';
import { startSystemUnderTest, type SystemMode, type SystemName } from './system-under-test.ts';

export interface WebhookE2eSettings {
  systems: { system: SystemName; mode: SystemMode }[];
  leads: number;
  lines: number;
  concurrency: number;
  studios: number;
  ratePerSec: number;
  latencySeconds: number;
  growth: number[];
}

const print = (row: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(row)}\n`);
};

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The machine's load averages when a figure was taken (other work shares the 2 cores). */
const load = () => os.loadavg().map((l) => round(l, 2));

/** Messages the system has committed: Leadline's processed ids of inbound WhatsApp messages, or the baseline's dedupe rows. */
async function committedCount(db: Db, system: SystemName): Promise<number> {
  const query =
    system === 'baseline'
      ? sql<{ n: string }>`select count(*) as n from baseline_dedupe`
      : sql<{ n: string }>`select count(*) as n from processed_messages where message_id like 'whatsapp:%'`;
  const result = await query.execute(db).catch(() => ({ rows: [{ n: '0' }] }));
  return Number(result.rows[0]?.n ?? 0);
}

/** Samples the commit count until it reaches `target`; resolves with the seconds from `start`. */
function watchCommits(db: Db, system: SystemName, target: number, start: number): Promise<number> {
  return (async () => {
    const deadline = performance.now() + 600_000;
    while (performance.now() < deadline) {
      if ((await committedCount(db, system)) >= target) return (performance.now() - start) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return Number.NaN;
  })();
}

export async function runWebhookE2e(infra: BenchInfra, settings: WebhookE2eSettings): Promise<void> {
  const lines = demoLines.slice(0, settings.lines);
  const studios = benchStudios(settings.studios);
  const results = new Map<string, Record<string, number>>();
  for (const { system, mode } of settings.systems) {
    const home = await mkdtemp(path.join(os.tmpdir(), 'leadline-bench-'));
    const database = await infra.freshDatabase();
    const graph = await startBenchGraph();
    const sut = await startSystemUnderTest({
      system,
      mode,
      databaseUrl: database.url,
      graphUrl: graph.url,
      graphToken: graph.token,
      studioFile: await writeStudioFile(home, studios),
      home,
    });
    const poster = new WebhookPoster(sut.url, Math.min(settings.concurrency, 128));
    const base = { bench: 'webhook-e2e', system, mode, path: 'whatsapp' };
    try {
      const replies = await calibrate(poster, graph, loadLeads(studios, 1, 9)[0]!, lines);
      const warm = loadLeads(studios, Math.min(500, settings.leads), 8);
      await playConversations(poster, graph, warm, lines, replies, settings.concurrency);

      const leads = loadLeads(studios, settings.leads, 1);
      const before = await committedCount(database.db, system);
      const cpuBefore = sut.cpuMs();
      const start = performance.now();
      const commits = watchCommits(database.db, system, before + leads.length * lines.length, start);
      const run = await playConversations(poster, graph, leads, lines, replies, settings.concurrency);
      const committedSeconds = await commits;
      const cpuMs = sut.cpuMs() - cpuBefore;
      const throughput = {
        ...base,
        leads: settings.leads,
        messages: run.webhooks,
        repliesPerMessage: replies,
        webhooksPerSec: round(run.webhooks / run.acceptedSeconds),
        committedPerSec: round(run.webhooks / committedSeconds),
        repliesPerSec: round(run.replies / run.deliveredSeconds),
        conversationsSeconds: round(run.deliveredSeconds, 1),
        cpuMsPerMsg: round(cpuMs / run.webhooks, 2),
        rssMb: Math.max(...Object.values(sut.peakRssMb())),
        peakRssMbByProcess: sut.peakRssMb(),
        load: load(),
      };
      print(throughput);

      const fresh = loadLeads(studios, settings.ratePerSec * settings.latencySeconds, 2);
      const offered: PhaseResult = await offerLoad(
        poster,
        graph,
        fresh,
        lines[0] ?? '',
        replies[0] ?? 1,
        settings.ratePerSec,
      );
      const sorted = offered.latencies.sort((a, b) => a - b);
      const latency = {
        ...base,
        offeredPerSec: settings.ratePerSec,
        messages: offered.webhooks,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        p999Ms: percentile(sorted, 99.9),
        maxMs: percentile(sorted, 100),
        load: load(),
      };
      print(latency);
      results.set(`${system}:${mode}`, {
        webhooksPerSec: throughput.webhooksPerSec,
        committedPerSec: throughput.committedPerSec,
        repliesPerSec: throughput.repliesPerSec,
        cpuMsPerMsg: throughput.cpuMsPerMsg,
        rssMb: throughput.rssMb,
        p50Ms: latency.p50Ms,
        p99Ms: latency.p99Ms,
        p999Ms: latency.p999Ms,
      });

      if (system === 'leadline') {
        let touched = 0;
        for (const size of settings.growth) {
          // Leads touched once (first line), on top of those before: committed/s of this step, RSS after.
          const step = loadLeads(studios, size - touched, 3, touched);
          const from = await committedCount(database.db, system);
          const t0 = performance.now();
          const done = watchCommits(database.db, system, from + step.length, t0);
          const cpu0 = sut.cpuMs();
          await playConversations(
            poster,
            graph,
            step,
            lines.slice(0, 1),
            replies.slice(0, 1),
            settings.concurrency,
          );
          const seconds = await done;
          touched = size;
          print({
            ...base,
            bench: 'webhook-e2e-growth',
            leadsTouched: size,
            messages: step.length,
            committedPerSec: round(step.length / seconds),
            cpuMsPerMsg: round((sut.cpuMs() - cpu0) / step.length, 2),
            rssMbByProcess: sut.rssMb(),
            peakRssMbByProcess: sut.peakRssMb(),
            load: load(),
          });
        }
      }
    } finally {
      await poster.close();
      await sut.stop();
      await graph.close();
      await database.drop();
      await rm(home, { recursive: true, force: true });
    }
  }
  const baseline = results.get('baseline:single');
  if (!baseline) return;
  for (const [key, figures] of results) {
    if (key.startsWith('baseline')) continue;
    const [, mode] = key.split(':');
    const ratio = Object.fromEntries(
      Object.entries(figures).map(([name, value]) => [
        name,
        round(value / (baseline[name] ?? Number.NaN), 2),
      ]),
    );
    print({ bench: 'webhook-e2e-ratio', system: 'leadline÷baseline', mode, path: 'whatsapp', ...ratio });
  }
}
