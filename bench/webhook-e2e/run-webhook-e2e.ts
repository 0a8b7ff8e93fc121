// The webhook-e2e workload: a lead's conversation along one path into a real system (Leadline's processes
// or the baseline), the real lead machine, the replies back: signed WhatsApp webhooks with replies
// delivered to a fake Graph API by the system's relay (`whatsapp`), the same over signed Twilio SMS
// webhooks and Twilio's REST API (`twilio`), or POST /api/messages with the replies in the answer (`api`).
// Each (system, path) gets a fresh database and fresh processes, so its CPU and peak RSS are its own. One
// JSON line per result; then Leadline ÷ baseline per figure (whatsapp: the baseline speaks nothing else).
// Settings (env, see bench/README.md):
//   BENCH_E2E_SYSTEMS=leadline:single,leadline:nats,leadline:nats-split,baseline:single
//   BENCH_E2E_PATHS=whatsapp,api,twilio
//   BENCH_E2E_LEADS=10000  BENCH_E2E_LINES=2  BENCH_E2E_CONCURRENCY=256  BENCH_E2E_STUDIOS=128
//   BENCH_E2E_RATE=1000  BENCH_E2E_LATENCY_SECONDS=10
//   BENCH_E2E_GROWTH=1000,10000,100000 (opt-in, whatsapp: leads touched once, committed/s and RSS per size)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { demoLines } from '../../src/cli/demo-conversation.ts';
import type { Db } from '../../src/persistence/database.ts';
import type { BenchInfra } from '../bench-infra.ts';
import { benchPath, type BenchPath, type BenchPathName } from './bench-paths.ts';
import { calibrate, loadLeads, offerLoad, percentile, playConversations } from './conversation-load.ts';
import { startBenchProviders } from './fake-providers.ts';
import { benchStudios, writeStudioFile, type BenchStudio } from './studios.ts';
import {
  startSystemUnderTest,
  type SystemMode,
  type SystemName,
  type SystemUnderTest,
} from './system-under-test.ts';

export interface WebhookE2eSettings {
  systems: { system: SystemName; mode: SystemMode }[];
  paths: BenchPathName[];
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

/** The envelope ids of a path's inbound messages, as Leadline records them processed. */
const committedIds: Record<BenchPathName, string> = {
  whatsapp: 'whatsapp:%',
  twilio: 'twilio:%',
  api: 'leadline:%',
};

/** Messages the system has committed: Leadline's processed ids of the path's inbound messages, or the baseline's dedupe rows. */
async function committedCount(db: Db, system: SystemName, path: BenchPathName): Promise<number> {
  const query =
    system === 'baseline'
      ? sql<{ n: string }>`select count(*) as n from baseline_dedupe`
      : sql<{
          n: string;
        }>`select count(*) as n from processed_messages where message_id like ${committedIds[path]}`;
  const result = await query.execute(db).catch(() => ({ rows: [{ n: '0' }] }));
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Samples the commit count until it reaches `target`; resolves with the seconds from `start`. The count is a
 * scan of processed_messages, so it is sampled at a twentieth of the time elapsed (100 ms to 2 s): a fixed
 * 100 ms made the harness's own count a large share of PostgreSQL's work once the table held 100,000s of
 * rows (at 1,000,000 one count outlasted the interval), which slowed the system it was measuring.
 */
function watchCommits(
  db: Db,
  system: SystemName,
  path: BenchPathName,
  target: number,
  start: number,
): Promise<number> {
  return (async () => {
    const deadline = performance.now() + 600_000;
    while (performance.now() < deadline) {
      if ((await committedCount(db, system, path)) >= target) return (performance.now() - start) / 1000;
      const elapsedMs = performance.now() - start;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, Math.max(100, elapsedMs / 20))));
    }
    return Number.NaN;
  })();
}

type StatementCounts = Record<string, Record<string, number>>;

/** Statements per message sent to PostgreSQL between two counts: per role, and the top shapes. */
function statementsPerMessage(before: StatementCounts, after: StatementCounts, messages: number) {
  const perRole: Record<string, number> = {};
  const shapes: [string, number][] = [];
  for (const [role, counts] of Object.entries(after)) {
    let total = 0;
    for (const [shape, n] of Object.entries(counts)) {
      const delta = n - (before[role]?.[shape] ?? 0);
      total += delta;
      if (delta > 0) shapes.push([`${role}: ${shape}`, round(delta / messages, 3)]);
    }
    perRole[role] = round(total / messages, 2);
  }
  shapes.sort((a, b) => b[1] - a[1]);
  return { statementsPerMsg: perRole, topStatements: shapes.slice(0, 25) };
}

/** One system measured along one path. */
interface Trial {
  system: SystemName;
  mode: SystemMode;
  path: BenchPath;
  sut: SystemUnderTest;
  db: Db;
  studios: readonly BenchStudio[];
  lines: readonly string[];
  settings: WebhookE2eSettings;
}

/** The figures a trial reports, by name; the whatsapp ones are divided by the baseline's. */
type Figures = Record<string, number>;

/** Throughput then latency; returns the figures and the replies each line was calibrated to get. */
async function measureTrial(trial: Trial): Promise<{ figures: Figures; replies: number[] }> {
  const { system, mode, path, sut, db, studios, lines, settings } = trial;
  const base = { bench: 'webhook-e2e', system, mode, path: path.name };
  const replies = await calibrate(path, loadLeads(studios, 1, 9)[0]!, lines);
  const warm = loadLeads(studios, Math.min(500, settings.leads), 8);
  await playConversations(path, warm, lines, replies, settings.concurrency);

  const leads = loadLeads(studios, settings.leads, 1);
  const before = await committedCount(db, system, path.name);
  const statementsBefore = sut.statements();
  const cpuBefore = sut.cpuMs();
  const cpuBeforeByProcess = sut.cpuMsByProcess();
  const start = performance.now();
  const commits = watchCommits(db, system, path.name, before + leads.length * lines.length, start);
  const run = await playConversations(path, leads, lines, replies, settings.concurrency);
  const committedSeconds = await commits;
  const cpuMs = sut.cpuMs() - cpuBefore;
  const cpuMsPerMsgByProcess = Object.fromEntries(
    Object.entries(sut.cpuMsByProcess()).map(([role, ms]) => [
      role,
      round((ms - (cpuBeforeByProcess[role] ?? 0)) / run.webhooks, 2),
    ]),
  );
  // Only the API can answer 202 (its reply timeout passed): those lines' replies are not in the figures.
  const timedOut = path.name === 'api' ? { answered202: run.answered202 } : {};
  const throughput = {
    ...base,
    leads: settings.leads,
    messages: run.webhooks,
    repliesPerMessage: replies,
    webhooksPerSec: round(run.webhooks / run.acceptedSeconds),
    committedPerSec: round(run.webhooks / committedSeconds),
    repliesPerSec: round(run.replies / run.deliveredSeconds),
    ...timedOut,
    conversationsSeconds: round(run.deliveredSeconds, 1),
    cpuMsPerMsg: round(cpuMs / run.webhooks, 2),
    cpuMsPerMsgByProcess,
    rssMb: Math.max(...Object.values(sut.peakRssMb())),
    peakRssMbByProcess: sut.peakRssMb(),
    load: load(),
  };
  print(throughput);
  if (process.env.BENCH_PG_COUNT) {
    // The counts are rewritten every 200 ms: wait for the phase's last ones.
    await new Promise((resolve) => setTimeout(resolve, 500));
    print({
      ...base,
      bench: 'webhook-e2e-statements',
      ...statementsPerMessage(statementsBefore, sut.statements(), run.webhooks),
    });
  }

  const fresh = loadLeads(studios, settings.ratePerSec * settings.latencySeconds, 2);
  const offered = await offerLoad(path, fresh, lines[0] ?? '', replies[0] ?? 1, settings.ratePerSec);
  const sorted = offered.latencies.sort((a, b) => a - b);
  const latency = {
    ...base,
    offeredPerSec: settings.ratePerSec,
    messages: offered.webhooks,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
    maxMs: percentile(sorted, 100),
    ...(path.name === 'api' ? { answered202: offered.answered202 } : {}),
    load: load(),
  };
  print(latency);
  const figures = {
    webhooksPerSec: throughput.webhooksPerSec,
    committedPerSec: throughput.committedPerSec,
    repliesPerSec: throughput.repliesPerSec,
    cpuMsPerMsg: throughput.cpuMsPerMsg,
    rssMb: throughput.rssMb,
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    p999Ms: latency.p999Ms,
  };
  return { figures, replies };
}

/** Leads touched once (first line), size after size: committed/s of each step and RSS after it. */
async function measureGrowth(trial: Trial, repliesToFirst: number): Promise<void> {
  const { system, mode, path, sut, db, studios, lines, settings } = trial;
  let touched = 0;
  for (const size of settings.growth) {
    const step = loadLeads(studios, size - touched, 3, touched);
    const from = await committedCount(db, system, path.name);
    const t0 = performance.now();
    const done = watchCommits(db, system, path.name, from + step.length, t0);
    const cpu0 = sut.cpuMs();
    await playConversations(path, step, lines.slice(0, 1), [repliesToFirst], settings.concurrency);
    const seconds = await done;
    touched = size;
    print({
      bench: 'webhook-e2e-growth',
      system,
      mode,
      path: path.name,
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

export async function runWebhookE2e(infra: BenchInfra, settings: WebhookE2eSettings): Promise<void> {
  const lines = demoLines.slice(0, settings.lines);
  const studios = benchStudios(settings.studios);
  const whatsappFigures = new Map<string, Figures>();
  for (const { system, mode } of settings.systems) {
    // The baseline is the seed design for WhatsApp only.
    const paths = system === 'baseline' ? settings.paths.filter((p) => p === 'whatsapp') : settings.paths;
    for (const pathName of paths) {
      const home = await mkdtemp(join(os.tmpdir(), 'leadline-bench-'));
      const database = await infra.freshDatabase();
      const providers = await startBenchProviders();
      const sut = await startSystemUnderTest({
        system,
        mode,
        databaseUrl: database.url,
        providers,
        studioFile: await writeStudioFile(home, studios),
        home,
      });
      const driver = benchPath(pathName, sut.url, Math.min(settings.concurrency, 128), providers);
      const trial: Trial = { system, mode, path: driver, sut, db: database.db, studios, lines, settings };
      try {
        const { figures, replies } = await measureTrial(trial);
        if (pathName === 'whatsapp') whatsappFigures.set(`${system}:${mode}`, figures);
        if (system === 'leadline' && pathName === 'whatsapp') await measureGrowth(trial, replies[0] ?? 1);
      } finally {
        await driver.close();
        await sut.stop();
        await providers.close();
        await database.drop();
        await rm(home, { recursive: true, force: true });
      }
    }
  }
  const baseline = whatsappFigures.get('baseline:single');
  if (!baseline) return;
  for (const [key, figures] of whatsappFigures) {
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
