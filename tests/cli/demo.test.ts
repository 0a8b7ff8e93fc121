// `leadline demo` against a running system: seven signed webhooks through the real gateway and lead
// machine, then the transcript and the final state printed from the admin API.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startSystem, type RunningSystem } from '../../src/system.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { childEnv } from './child-env.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/leadline.js');
const secrets = {
  ADMIN_API_KEY: 'demo-admin-key',
  WHATSAPP_APP_SECRET: 'demo-app-secret',
  TWILIO_AUTH_TOKEN: 'demo-twilio-token',
};

describe('leadline demo', () => {
  let t: TestDatabase;
  let system: RunningSystem;
  // The gateway checks Twilio's signature over PUBLIC_BASE_URL; the demo signs over the same value.
  const publicBaseUrl = 'http://leadline.local';
  beforeAll(async () => {
    t = await createTestDatabase();
    system = await startSystem({
      env: parseEnv({
        DATABASE_URL: t.url,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        PUBLIC_BASE_URL: publicBaseUrl,
        ...secrets,
      }),
      role: 'all',
      studioConfig: demoStudioConfig,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await system.stop();
    await t.drop();
  });

  it('plays the sample conversation and prints the transcript and final state', async () => {
    // Asynchronously: the system under test runs in this process and must keep answering.
    const result = await promisify(execFile)(
      process.execPath,
      [bin, 'demo', '--url', system.url, '--phone', '+447700900777'],
      { env: childEnv({ ...secrets, DATABASE_URL: t.url }), encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('[7/7] "£300" applied');
    expect(result.stdout).toContain('Transcript');
    expect(result.stdout).toContain('Tell us about your tattoo idea.');
    expect(result.stdout).toMatch(/"status": "PENDING_APPROVAL"/);
    expect(result.stdout).toMatch(/"widthCm": 10/);
  });

  it('--channel sms plays it over signed Twilio webhooks to the studio’s Twilio number; replies in the sandbox', async () => {
    const phone = '+15551230777';
    const result = await promisify(execFile)(
      process.execPath,
      [bin, 'demo', '--url', system.url, '--phone', phone, '--channel', 'sms'],
      {
        env: childEnv({ ...secrets, DATABASE_URL: t.url, PUBLIC_BASE_URL: publicBaseUrl }),
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('by sms');
    expect(result.stdout).toContain('[7/7] "£300" applied');
    expect(result.stdout).toContain('Tell us about your tattoo idea.');
    expect(result.stdout).toMatch(/"status": "PENDING_APPROVAL"/);
    const sandboxed = await t.db
      .selectFrom('sandbox_messages')
      .select(['channel', 'sender', 'recipient'])
      .where('recipient', '=', phone)
      .execute();
    expect(sandboxed.length).toBeGreaterThan(0);
    expect(sandboxed.every((m) => m.channel === 'sms' && m.sender === '+15005550006')).toBe(true);
  });

  it('says plainly when no gateway answers', () => {
    const result = spawnSync(process.execPath, [bin, 'demo', '--url', 'http://127.0.0.1:9'], {
      env: childEnv(secrets),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no Leadline gateway answers');
  });
});
