import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.ts';
import { startEmbeddedPostgres } from '../../src/persistence/embedded-postgres.ts';
import { clearStalePostmaster } from '../../src/persistence/postmaster-pid.ts';

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>('select 1 as n');
    return result.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

function pidFile(home: string): string {
  return path.join(home, 'pg', 'postmaster.pid');
}

describe('embedded PostgreSQL', () => {
  const homes: string[] = [];
  const newHome = async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'leadline-home-'));
    homes.push(home);
    return home;
  };
  afterAll(async () => {
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  it('initialises once, remembers its port, and starts again on the same data', async () => {
    const home = await newHome();
    const first = await startEmbeddedPostgres({ home, logger: silentLogger });
    expect(await selectOne(first.url)).toBe(1);
    await first.stop();
    const second = await startEmbeddedPostgres({ home, logger: silentLogger });
    try {
      expect(second.url).toBe(first.url);
      expect(await selectOne(second.url)).toBe(1);
    } finally {
      await second.stop();
    }
  });

  it('recovers from a SIGKILLed previous run whose postgres is still running', async () => {
    const home = await newHome();
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'fixtures/embedded-pg-child.ts')], {
      env: { ...process.env, LEADLINE_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`child exited ${String(code)}`)));
    });
    // While its owner lives, another process (the CLI next to `npm start`) shares the cluster.
    const shared = await startEmbeddedPostgres({ home, logger: silentLogger });
    expect(shared.url).toBe(url);
    await shared.stop(); // not ours: a no-op
    expect(await selectOne(url)).toBe(1);

    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    // The orphaned postmaster still answers: that is the trap.
    expect(await selectOne(url)).toBe(1);
    const oldPid = Number((await readFile(pidFile(home), 'utf8')).split('\n')[0]);

    const again = await startEmbeddedPostgres({ home, logger: silentLogger });
    try {
      expect(await selectOne(again.url)).toBe(1);
      const newPid = Number((await readFile(pidFile(home), 'utf8')).split('\n')[0]);
      expect(newPid).not.toBe(oldPid);
    } finally {
      await again.stop();
    }
  });

  it('removes the pid file of a postmaster that is no longer running', async () => {
    const home = await newHome();
    await rm(path.join(home, 'pg'), { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(home, 'pg'), { recursive: true }));
    await writeFile(pidFile(home), '2147483000\n/nowhere\n');
    expect(await clearStalePostmaster(path.join(home, 'pg'), silentLogger)).toBe('removed-stale-pid-file');
    await expect(readFile(pidFile(home))).rejects.toThrow();
    expect(await clearStalePostmaster(path.join(home, 'pg'), silentLogger)).toBe('none');
  });
});
