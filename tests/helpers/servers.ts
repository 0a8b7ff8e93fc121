// Locating or starting real servers for tests. Never mocks: PostgreSQL and NATS are real.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface Stoppable {
  url: string;
  stop(): Promise<void>;
}

async function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function pgAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function findOrStartPostgres(): Promise<Stoppable> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return { url: fromEnv, stop: () => Promise.resolve() };
  for (const url of [
    'postgres://postgres@127.0.0.1:5432/postgres',
    'postgres://root@127.0.0.1:5432/postgres',
  ]) {
    if (await pgAnswers(url)) return { url, stop: () => Promise.resolve() };
  }
  // The same embedded PostgreSQL the product starts without DATABASE_URL (it also tames the package's
  // process-wide signal/exit handlers), in a throwaway home.
  const { startEmbeddedPostgres } = await import('../../src/persistence/embedded-postgres.ts');
  const { silentLogger } = await import('../../src/observability/logger.ts');
  const home = await mkdtemp(path.join(os.tmpdir(), 'leadline-test-pg-'));
  const server = await startEmbeddedPostgres({ home, logger: silentLogger });
  const url = new URL(server.url);
  url.pathname = '/postgres';
  return {
    url: url.toString(),
    stop: async () => {
      await server.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

export interface NatsServerProcess extends Stoppable {
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): void;
}

/** Spawns a fresh `nats-server` with JetStream on a free port (each call: its own store directory). */
export async function startNatsServer(): Promise<NatsServerProcess | null> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-test-nats-'));
  let child: ChildProcess;
  try {
    child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: 'ignore',
    });
  } catch {
    return null;
  }
  const failed = new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    child.once('exit', () => resolve(true));
  });
  for (let i = 0; i < 100; i++) {
    if (await canConnect('127.0.0.1', port, 200)) {
      const url = `nats://127.0.0.1:${port}`;
      return {
        url,
        child,
        kill: (signal = 'SIGKILL') => child.kill(signal),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    const dead = await Promise.race([failed, new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);
    if (dead) break;
  }
  child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
  return null;
}

export async function findOrStartNats(): Promise<Stoppable | null> {
  const fromEnv = process.env.NATS_URL;
  if (fromEnv) return { url: fromEnv, stop: () => Promise.resolve() };
  if (await canConnect('127.0.0.1', 4222))
    return { url: 'nats://127.0.0.1:4222', stop: () => Promise.resolve() };
  return startNatsServer();
}
