// A newcomer's first run, as issue 19 found it: `leadline start` with no provider credentials, then
// `leadline demo`. Outside production that is the sandbox: every reply (and the artist's approval request,
// with working action links on the local URL) is recorded instead of sent, stored as delivery status
// `sandbox`, and the log has no error lines. In production the same start stops with one line instead.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitFor } from '../helpers/runtime-harness.ts';
import { freePort } from '../helpers/servers.ts';
import { childEnv } from './child-env.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/leadline.js');

/** pino writes one JSON object per line; level 50 is error, 60 fatal. */
function errorLines(log: string): string[] {
  return log.split('\n').filter((line) => {
    if (/\bERROR\b|\bFATAL\b|^\s+at /.test(line)) return true;
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });
}

describe('first run in the sandbox', () => {
  let t: TestDatabase;
  let home: string;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
    home = await mkdtemp(path.join(os.tmpdir(), 'leadline-sandbox-'));
    await chmod(home, 0o755);
  });
  afterAll(async () => {
    await t.drop();
    await rm(home, { recursive: true, force: true });
  });

  it('start + demo: replies are recorded as sandbox, the approval links are local, no error is logged', async () => {
    const port = await freePort();
    const env = childEnv({ PORT: String(port), HOST: '127.0.0.1', LEADLINE_HOME: home, LOG_LEVEL: 'info' });
    const child = spawn(process.execPath, [bin, 'start'], {
      env: { ...env, DATABASE_URL: t.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(() => log.includes('Replies go to'), 60_000, 'the start banner');
      expect(log).toContain(`http://localhost:${port}/console`);
      expect(log).toMatch(/Replies go to: +the sandbox/);

      await promisify(execFile)(process.execPath, [bin, 'demo', '--url', base, '--phone', '+447700900555'], {
        env: { ...env, DATABASE_URL: t.url },
        encoding: 'utf8',
        timeout: 120_000,
      });
      // A second terminal, as the banner's `npx leadline demo --url …` is typed: no PORT there, so the
      // demo signs Twilio's webhooks for the gateway the URL names (its default PUBLIC_BASE_URL).
      const { PORT: _ignored, ...terminal } = env;
      await promisify(execFile)(
        process.execPath,
        [bin, 'demo', '--url', base, '--phone', '+447700900556', '--channel', 'sms'],
        { env: { ...terminal, DATABASE_URL: t.url }, encoding: 'utf8', timeout: 120_000 },
      );
      const secrets = JSON.parse(await readFile(path.join(home, 'dev-secrets.json'), 'utf8')) as Record<
        string,
        string
      >;
      const admin = { 'x-api-key': secrets.ADMIN_API_KEY ?? '' };
      const lead = (await (
        await fetch(`${base}/admin/leads?phone=%2B447700900555`, { headers: admin })
      ).json()) as {
        leads: { id: string; status: string }[];
      };
      const id = lead.leads[0]?.id ?? '';
      expect(lead.leads[0]?.status).toBe('PENDING_APPROVAL');

      // The artist's approval request is the last effect of the demo; wait until the sandbox has it.
      await waitFor(
        async () =>
          (await t.db
            .selectFrom('sandbox_messages')
            .select('id')
            .where('lead_id', '=', id)
            .where('text', 'like', '%Approve: %')
            .executeTakeFirst()) !== undefined,
        30_000,
        'the artist notification in the sandbox',
      );
      const messages = (await (
        await fetch(`${base}/admin/leads/${id}/messages`, { headers: admin })
      ).json()) as {
        messages: { direction: string; deliveryStatus: string | null }[];
      };
      const outbound = messages.messages.filter((m) => m.direction === 'out');
      expect(outbound.length).toBeGreaterThan(5);
      await waitFor(
        async () =>
          (await t.db
            .selectFrom('transcript')
            .select('id')
            .where('lead_id', '=', id)
            .where('direction', '=', 'out')
            .where((eb) => eb.or([eb('delivery_status', 'is', null), eb('delivery_status', '<>', 'sandbox')]))
            .executeTakeFirst()) === undefined,
        30_000,
        'every reply to be stored as sandbox',
      );
      const artist = await t.db
        .selectFrom('sandbox_messages')
        .select(['text', 'recipient'])
        .where('lead_id', '=', id)
        .where('text', 'like', '%Approve: %')
        .executeTakeFirstOrThrow();
      expect(artist.text).toContain(`Approve: http://localhost:${port}/a/`);
      // Every outbound entry of the lead was recorded once for its recipient's phone screen.
      const recorded = await t.db
        .selectFrom('sandbox_messages')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('lead_id', '=', id)
        .where('recipient', '=', '+447700900555')
        .executeTakeFirstOrThrow();
      expect(Number(recorded.n)).toBe(outbound.length);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(errorLines(log), log).toEqual([]);
  });

  it('in production a missing provider credential stops the start with one line naming it', () => {
    const result = spawnSync(process.execPath, [bin, 'start'], {
      env: childEnv({
        NODE_ENV: 'production',
        DATABASE_URL: t.url,
        LEADLINE_HOME: home,
        STRIPE_SECRET_KEY: 'sk_test_x',
        PORT: '0',
      }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('WHATSAPP_ACCESS_TOKEN');
  });
});
