// The README quick-start, for real: `node bin/leadline.js start` (what `npm start` runs) in an empty
// directory, with no DATABASE_URL (embedded PostgreSQL under LEADLINE_HOME) and no NATS_URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/runtime-harness.ts';
import { childEnv } from './child-env.ts';
import { freePort } from '../helpers/servers.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/leadline.js');

describe('quick start', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('a bad variable stops the process with one line naming it', () => {
    const result = spawnSync(process.execPath, [bin, 'start'], {
      env: childEnv({ PORT: 'not-a-port', LEADLINE_HOME: path.join(os.tmpdir(), 'leadline-unused') }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('PORT');
  });

  it('a bad studio configuration file stops the process with one line naming the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-badconfig-'));
    dirs.push(dir);
    const cases = {
      'invalid.yaml': 'studios:\n  - id: 42\n',
      'broken.yaml': 'studios: [\n  nope: : :\n',
      'missing.yaml': undefined,
    };
    for (const [name, text] of Object.entries(cases)) {
      const file = path.join(dir, name);
      if (text !== undefined) await writeFile(file, text);
      const result = spawnSync(process.execPath, [bin, 'start'], {
        env: childEnv({ LEADLINE_CONFIG: file, LEADLINE_HOME: path.join(dir, 'home') }),
        encoding: 'utf8',
      });
      expect(result.status, name).toBe(1);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toContain(file);
      expect(result.stdout).toBe('');
    }
  });

  it('npm start in an empty directory serves /readyz, then exits cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-quickstart-'));
    dirs.push(dir);
    await chmod(dir, 0o755); // like a project directory (mkdtemp makes 0700, which root's postgres can't enter)
    const port = await freePort();
    const home = path.join(dir, '.leadline');
    const child = spawn(process.execPath, [bin, 'start'], {
      cwd: dir,
      env: childEnv({ PORT: String(port), HOST: '127.0.0.1', LEADLINE_HOME: home }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`start exited early: ${stderr}`);
          const response = await fetch(`${base}/readyz`).catch(() => undefined);
          return response?.status === 200;
        },
        90_000,
        '/readyz to answer 200',
      );
      expect(stdout).toContain(`/webhooks/whatsapp`);
      expect(existsSync(path.join(home, 'pg', 'PG_VERSION'))).toBe(true);

      // The generated development admin key is printed and works.
      const secrets = JSON.parse(await readFile(path.join(home, 'dev-secrets.json'), 'utf8')) as Record<
        string,
        string
      >;
      expect(stdout).toContain(`ADMIN_API_KEY=${secrets.ADMIN_API_KEY ?? ''}`);
      const summary = await fetch(`${base}/admin/probes/summary`, {
        headers: { 'x-api-key': secrets.ADMIN_API_KEY ?? '' },
      });
      expect(summary.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // The embedded server was stopped with the process, not left behind.
    expect(existsSync(path.join(home, 'pg', 'postmaster.pid'))).toBe(false);
  });
});
