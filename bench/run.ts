// `npm run bench`: the end-to-end benchmark, one JSON object per line on stdout (figures, not assertions).
// Each mode runs in its own child process so peak RSS belongs to that mode alone. Scale with env vars:
//   BENCH_MODES=nats,single  BENCH_LEADS=10000  BENCH_MESSAGES=200000  BENCH_RATE=1000
//   BENCH_LATENCY_SECONDS=15  BENCH_PASSIVATION_LEADS=100000  BENCH_WINDOW=1000  BENCH_PARTITIONS=16
//   BENCH_WORKLOADS=counter,webhook-e2e,campaigns (webhook-e2e's own settings: webhook-e2e/run-webhook-e2e.ts;
//   campaigns: BENCH_CAMPAIGN_CONTACTS=10000 BENCH_CAMPAIGN_MODES=single,nats)
// Servers: DATABASE_URL (an admin URL: a database is created and dropped per mode) and NATS_URL when set,
// else the local PostgreSQL or an embedded one, and a nats-server spawned from PATH.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBenchInfra } from './bench-infra.ts';
import { runMode, type BenchSettings, type Mode } from './run-mode.ts';
import { runCampaignBench } from './campaigns/run-campaign-bench.ts';
import { runWebhookE2e, type WebhookE2eSettings } from './webhook-e2e/run-webhook-e2e.ts';
import type { SystemMode, SystemName } from './webhook-e2e/system-under-test.ts';
import { benchPathNames, type BenchPathName } from './webhook-e2e/bench-paths.ts';

const int = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};

const settings: BenchSettings = {
  partitions: int('BENCH_PARTITIONS', 16),
  leads: int('BENCH_LEADS', 10_000),
  messages: int('BENCH_MESSAGES', 200_000),
  window: int('BENCH_WINDOW', 1000),
  ratePerSec: int('BENCH_RATE', 1000),
  latencySeconds: int('BENCH_LATENCY_SECONDS', 15),
  passivationLeads: int('BENCH_PASSIVATION_LEADS', 100_000),
};

const list = (name: string, fallback: string): string[] =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const e2eSettings = (natsAvailable: boolean): WebhookE2eSettings => ({
  systems: list('BENCH_E2E_SYSTEMS', 'leadline:single,leadline:nats,leadline:nats-split,baseline:single')
    .map((entry) => {
      const [system, mode] = entry.split(':') as [SystemName, SystemMode];
      return { system, mode };
    })
    .filter(({ mode }) => natsAvailable || mode === 'single'),
  paths: list('BENCH_E2E_PATHS', benchPathNames.join(',')).map((name) => {
    if (!benchPathNames.includes(name as BenchPathName))
      throw new Error(`BENCH_E2E_PATHS: ${name} is not one of ${benchPathNames.join(', ')}`);
    return name as BenchPathName;
  }),
  leads: int('BENCH_E2E_LEADS', 10_000),
  lines: int('BENCH_E2E_LINES', 2),
  concurrency: int('BENCH_E2E_CONCURRENCY', 256),
  studios: int('BENCH_E2E_STUDIOS', 128),
  ratePerSec: int('BENCH_E2E_RATE', 1000),
  latencySeconds: int('BENCH_E2E_LATENCY_SECONDS', 10),
  growth: list('BENCH_E2E_GROWTH', '').map(Number),
});

async function child(mode: Mode): Promise<void> {
  const infra = await startBenchInfra();
  try {
    await runMode(mode, infra, settings);
  } finally {
    await infra.stop();
  }
}

function runChild(mode: Mode, env: NodeJS.ProcessEnv): Promise<number> {
  const script = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, [script], {
    env: { ...env, BENCH_CHILD_MODE: mode },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code ?? 1)));
}

async function parent(): Promise<number> {
  const workloads = list('BENCH_WORKLOADS', 'counter,webhook-e2e,campaigns');
  const modes = workloads.includes('counter') ? (list('BENCH_MODES', 'nats,single') as Mode[]) : [];
  const infra = await startBenchInfra();
  let failed = 0;
  try {
    const env = {
      ...process.env,
      ...(infra.natsUrl ? { NATS_URL: infra.natsUrl } : {}),
      DATABASE_URL: infra.pgUrl,
    };
    for (const mode of modes) {
      if (mode === 'nats' && !infra.natsUrl) {
        process.stderr.write(
          'bench: no NATS server (set NATS_URL or put nats-server on PATH); skipping nats\n',
        );
        continue;
      }
      if ((await runChild(mode, env)) !== 0) failed++;
    }
    if (workloads.includes('webhook-e2e')) {
      try {
        await runWebhookE2e(infra, e2eSettings(infra.natsUrl !== null));
      } catch (error) {
        process.stderr.write(`bench: webhook-e2e failed: ${String(error)}\n`);
        failed++;
      }
    }
    if (workloads.includes('campaigns')) {
      try {
        const modes = list('BENCH_CAMPAIGN_MODES', 'single,nats') as SystemMode[];
        await runCampaignBench(infra, {
          modes: modes.filter((m) => infra.natsUrl !== null || m === 'single'),
          contacts: int('BENCH_CAMPAIGN_CONTACTS', 10_000),
        });
      } catch (error) {
        process.stderr.write(`bench: campaigns failed: ${String(error)}\n`);
        failed++;
      }
    }
  } finally {
    await infra.stop();
  }
  return failed;
}

const childMode = process.env.BENCH_CHILD_MODE as Mode | undefined;
if (childMode) await child(childMode);
else process.exitCode = (await parent()) > 0 ? 1 : 0;
