// `npm run bench`: the end-to-end benchmark, one JSON object per line on stdout (figures, not assertions).
// Each mode runs in its own child process so peak RSS belongs to that mode alone. Scale with env vars:
//   BENCH_MODES=nats,single  BENCH_LEADS=10000  BENCH_MESSAGES=200000  BENCH_RATE=1000
//   BENCH_LATENCY_SECONDS=15  BENCH_PASSIVATION_LEADS=100000  BENCH_WINDOW=1000  BENCH_PARTITIONS=16
// Servers: DATABASE_URL (an admin URL: a database is created and dropped per mode) and NATS_URL when set,
// else the local PostgreSQL or an embedded one, and a nats-server spawned from PATH.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBenchInfra } from './bench-infra.ts';
import { runMode, type BenchSettings, type Mode } from './run-mode.ts';

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
  const modes = (process.env.BENCH_MODES ?? 'nats,single').split(',') as Mode[];
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
  } finally {
    await infra.stop();
  }
  return failed;
}

const childMode = process.env.BENCH_CHILD_MODE as Mode | undefined;
if (childMode) await child(childMode);
else process.exitCode = (await parent()) > 0 ? 1 : 0;
