// Starts the system a webhook-e2e run measures as real processes, so its CPU and memory are its own:
//   leadline single     `leadline start` (role all, in-process bus)
//   leadline nats       `leadline start` (role all) on a private nats-server
//   leadline nats-split `leadline start --role gateway` + `--role worker` on a private nats-server
//   baseline single     bench/baseline/baseline-server.ts (one Fastify process, no bus)
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, startNatsServer, type Stoppable } from '../../tests/helpers/servers.ts';

export type SystemName = 'leadline' | 'baseline';
export type SystemMode = 'single' | 'nats' | 'nats-split';

export const APP_SECRET = 'bench-app-secret';
/** The Twilio account the system is given: its REST calls go to the bench's providers, webhooks are signed with it. */
export const TWILIO_ACCOUNT = { sid: `AC${'b'.repeat(32)}`, authToken: 'bench-twilio-auth-token' };
/** What the system knows itself by: Twilio signs PUBLIC_BASE_URL + path (nothing is ever sent there). */
export const PUBLIC_BASE_URL = 'http://127.0.0.1:9';

export interface SystemUnderTest {
  /** Where webhooks go. */
  url: string;
  /** Sum of user + system CPU of the system's own processes (ms). */
  cpuMs(): number;
  /** User + system CPU of each process (ms), by role. */
  cpuMsByProcess(): Record<string, number>;
  /** Peak RSS (VmHWM) of each process, MB, by role. */
  peakRssMb(): Record<string, number>;
  /** Current RSS (VmRSS) of each process, MB, by role. */
  rssMb(): Record<string, number>;
  /** The processes' pids by role (for --cpu-prof runs and the like). */
  pids: Record<string, number>;
  /** With BENCH_PG_COUNT: statements sent to PostgreSQL so far, by role and shape (else empty). */
  statements(): Record<string, Record<string, number>>;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../..');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function procMemMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return match?.[1] ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

interface Child {
  role: string;
  proc: ChildProcess;
  output: () => string;
}

const statementCounter = path.join(root, 'bench/pg-statement-count.ts');

/**
 * The heap cap of the processes that host actors, as docker-compose.yml gives its workers (MB; 0 = V8's
 * default, which on this 24 GB machine lets old space fill with ~300 MB of garbage before collecting).
 */
const workerHeapMb = Number(process.env.BENCH_E2E_WORKER_HEAP_MB ?? 384);

function spawnNode(role: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): Child {
  const profile = process.env.BENCH_CPU_PROF;
  const counts = process.env.BENCH_PG_COUNT;
  const hostsActors = role === 'worker' || role === 'all';
  const nodeArgs = [
    ...(hostsActors && workerHeapMb > 0 ? [`--max-old-space-size=${workerHeapMb}`] : []),
    ...(profile
      ? [`--cpu-prof`, `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${role}-${Date.now()}.cpuprofile`]
      : []),
    ...(counts ? ['--import', statementCounter] : []),
  ];
  const proc = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd,
    env: counts ? { ...env, BENCH_PG_COUNT: counts, BENCH_PG_COUNT_ROLE: role } : env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  return { role, proc, output: () => output };
}

/** The counts bench/pg-statement-count.ts keeps for these processes, by role. */
function readStatements(children: readonly Child[]): Record<string, Record<string, number>> {
  const dir = process.env.BENCH_PG_COUNT;
  if (!dir) return {};
  const files = readdirSync(dir);
  const byRole: Record<string, Record<string, number>> = {};
  for (const c of children) {
    const file = files.find((f) => f === `${c.role}-${c.proc.pid}.json`);
    if (!file) continue;
    try {
      byRole[c.role] = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, number>;
    } catch {
      // being rewritten: the next read has it
    }
  }
  return byRole;
}

async function waitReady(url: string, children: readonly Child[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    for (const c of children) {
      if (c.proc.exitCode !== null) throw new Error(`bench: ${c.role} exited early:\n${c.output()}`);
    }
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`bench: ${url} not ready:\n${children.map((c) => c.output()).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopChild(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise((resolve) => child.proc.once('exit', resolve));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

export async function startSystemUnderTest(options: {
  system: SystemName;
  mode: SystemMode;
  databaseUrl: string;
  /** The bench's fake provider APIs (Graph and Twilio on one port). */
  providers: { url: string; token: string };
  studioFile: string;
  home: string;
}): Promise<SystemUnderTest> {
  const stops: Stoppable[] = [];
  const children: Child[] = [];
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    LEADLINE_HOME: options.home,
    LEADLINE_CONFIG: options.studioFile,
    LEADLINE_PROBE_INTERVAL: '0',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_ACCESS_TOKEN: options.providers.token,
    WHATSAPP_API_BASE_URL: options.providers.url,
    TWILIO_ACCOUNT_SID: TWILIO_ACCOUNT.sid,
    TWILIO_AUTH_TOKEN: TWILIO_ACCOUNT.authToken,
    TWILIO_API_BASE_URL: options.providers.url,
    ADMIN_API_KEY: 'bench-admin-key',
    // A production start refuses to run without what a real deployment needs (src/config/production-checks.ts);
    // the bench never reaches Stripe or sends action links, so placeholders do.
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: 'whsec_bench',
    ACTION_LINK_SECRET: 'bench-action-link-secret',
    PUBLIC_BASE_URL,
  };
  const bin = path.join(root, 'bin/leadline.js');
  try {
    let url: string;
    if (options.system === 'baseline') {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      children.push(
        spawnNode('baseline', [path.join(root, 'bench/baseline/baseline-server.ts')], {
          ...base,
          PORT: String(port),
        }),
      );
    } else {
      let natsEnv: NodeJS.ProcessEnv = {};
      if (options.mode !== 'single') {
        // A private server: the contract's default stream and bucket names, nothing else on it.
        const nats = await startNatsServer();
        if (!nats) throw new Error('bench: nats-server not on PATH');
        stops.push(nats);
        natsEnv = { NATS_URL: nats.url };
      }
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      if (options.mode === 'nats-split') {
        const workerPort = await freePort();
        children.push(
          spawnNode('worker', [bin, 'start', '--role', 'worker'], {
            ...base,
            ...natsEnv,
            PORT: String(workerPort),
            LEADLINE_WORKER_ID: 'bench-worker',
          }),
        );
        await waitReady(`http://127.0.0.1:${workerPort}`, children);
        children.push(
          spawnNode('gateway', [bin, 'start', '--role', 'gateway'], {
            ...base,
            ...natsEnv,
            PORT: String(port),
            LEADLINE_WORKER_ID: 'bench-gateway',
          }),
        );
      } else {
        children.push(spawnNode('all', [bin, 'start'], { ...base, ...natsEnv, PORT: String(port) }));
      }
    }
    await waitReady(url, children);
    const pids = Object.fromEntries(children.map((c) => [c.role, c.proc.pid ?? 0]));
    return {
      url,
      pids,
      statements: () => readStatements(children),
      cpuMs: () => children.reduce((sum, c) => sum + procCpuMs(c.proc.pid ?? 0), 0),
      cpuMsByProcess: () => Object.fromEntries(children.map((c) => [c.role, procCpuMs(c.proc.pid ?? 0)])),
      peakRssMb: () => Object.fromEntries(children.map((c) => [c.role, procMemMb(c.proc.pid ?? 0, 'VmHWM')])),
      rssMb: () => Object.fromEntries(children.map((c) => [c.role, procMemMb(c.proc.pid ?? 0, 'VmRSS')])),
      async stop() {
        for (const c of [...children].reverse()) await stopChild(c);
        for (const s of stops.reverse()) await s.stop();
      },
    };
  } catch (error) {
    for (const c of children.reverse()) await stopChild(c);
    for (const s of stops.reverse()) await s.stop();
    throw error;
  }
}
