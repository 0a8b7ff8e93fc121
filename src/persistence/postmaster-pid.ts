// Recovery from a previous run that died without stopping its embedded PostgreSQL (SIGKILL, OOM, crash).
// postgres is a child of Node but survives it, keeping `postmaster.pid`; a new server on the same data
// directory then refuses to start. We stop a still-running postmaster (fast shutdown) or remove the pid
// file of a dead one, so the next start owns a clean cluster.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../observability/logger.ts';

export type StalePostmasterOutcome =
  | 'none'
  | 'removed-stale-pid-file'
  | 'stopped-running-postmaster'
  /** The postmaster belongs to a live Leadline process (e.g. `npm start` while the CLI migrates): use it. */
  | 'in-use';

/** The Leadline process that started the cluster writes its pid here (next to the data directory). */
export function ownerFile(dataDir: string): string {
  return `${dataDir}.owner`;
}

async function ownerAlive(dataDir: string): Promise<boolean> {
  try {
    const pid = Number.parseInt(await readFile(ownerFile(dataDir), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid);
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return /postgres/.test(cmdline);
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

export async function clearStalePostmaster(dataDir: string, logger: Logger): Promise<StalePostmasterOutcome> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return 'none';
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostgres(pid))) {
    if (await ownerAlive(dataDir)) return 'in-use';
    logger.warn({ pid, dataDir }, 'a previous embedded PostgreSQL is still running: stopping it');
    process.kill(pid, 'SIGINT'); // fast shutdown: aborts sessions, checkpoints, removes the pid file
    if (!(await waitForExit(pid, 15_000))) {
      process.kill(pid, 'SIGQUIT'); // immediate shutdown; crash recovery runs at the next start
      await waitForExit(pid, 5_000);
    }
    await rm(pidFile, { force: true });
    return 'stopped-running-postmaster';
  }
  logger.warn({ pid, dataDir }, 'removing a stale postmaster.pid left by a previous run');
  await rm(pidFile, { force: true });
  return 'removed-stale-pid-file';
}
