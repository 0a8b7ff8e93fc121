// A production start refuses what would fail, in one line and exit code 1; `config check` says the same
// without starting; an unreachable DATABASE_URL is named, one line per retry, never a stack trace.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { childEnv } from './child-env.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/leadline.js');
const example = path.join(root, 'leadline.config.example.yaml');

const secrets = {
  ADMIN_API_KEY: 'k',
  WHATSAPP_APP_SECRET: 's',
  WHATSAPP_VERIFY_TOKEN: 'v',
  WHATSAPP_ACCESS_TOKEN: 't',
  STRIPE_SECRET_KEY: 'sk_test_x',
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
  ACTION_LINK_SECRET: 'l',
  PUBLIC_BASE_URL: 'https://leadline.example',
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'tw',
};
const UNSET = Object.fromEntries(Object.keys(secrets).map((name) => [name, '']));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-prod-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The example studio file with one template's body taken out (JSON: the loader reads it as YAML). */
async function exampleWithoutBody(name: string): Promise<string> {
  const config = parseYaml(await readFile(example, 'utf8')) as {
    studios: { templateBodies?: Record<string, unknown> }[];
  };
  for (const studio of config.studios) delete studio.templateBodies?.[name];
  const file = path.join(dir, `without-${name}.json`);
  await writeFile(file, JSON.stringify(config));
  return file;
}

function run(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    env: childEnv({ LEADLINE_HOME: path.join(dir, 'home'), ...UNSET, ...env }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('production start', () => {
  it('with no configuration and no secrets: one line naming each, exit 1, nothing started', () => {
    const result = run(['start'], { NODE_ENV: 'production' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/demo studio/);
    for (const name of Object.keys(secrets)) expect(lines[0]).toContain(name);
    expect(result.stdout).toBe('');
  });

  it('with a studio file, one missing secret is the one named', () => {
    const result = run(['start'], {
      NODE_ENV: 'production',
      LEADLINE_CONFIG: example,
      ...secrets,
      STRIPE_WEBHOOK_SECRET: '',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'leadline: refusing to start in production: unset STRIPE_WEBHOOK_SECRET (Stripe deposits)',
    );
  });

  it('an unreachable DATABASE_URL: one line naming it per retry, then a final line; no stack trace', () => {
    const result = run(['start'], {
      NODE_ENV: 'production',
      LEADLINE_CONFIG: example,
      ...secrets,
      DATABASE_URL: 'postgres://leadline:hunter2@127.0.0.1:1/leadline',
      LEADLINE_DATABASE_WAIT: '1s',
      LOG_LEVEL: 'warn',
    });
    expect(result.status).toBe(1);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('hunter2');
    const lines = output.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toContain('DATABASE_URL');
    expect(lines.at(-1)).toMatch(
      /^leadline: DATABASE_URL \(postgres:\/\/leadline:\*\*\*@127\.0\.0\.1:1\/leadline\): not reachable after \d+s .*giving up$/,
    );
  });
});

describe('leadline config check', () => {
  it('the example with every secret set: ok, exit 0 (a warning for its demo phone number id)', () => {
    const result = run(['config', 'check', example], secrets);
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^ok: 1 studio\(s\): inkwell/m);
    expect(result.stdout).toMatch(/^warning: studios\[0\]\.whatsapp\.phoneNumberId/m);
  });

  it('lists every problem, one a line, and exits 1', async () => {
    const file = path.join(dir, 'typo.yaml');
    await writeFile(file, 'studios:\n  - id: x\n    timmings: {}\n');
    const typo = run(['config', 'check', file], secrets);
    expect(typo.status).toBe(1);
    expect(typo.stdout).toContain('studios[0].timmings: unknown key (did you mean "timings"?)');

    const missing = run(['config', 'check', example], { ...secrets, ADMIN_API_KEY: '', PORT: '1e3' });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('PORT');

    const unset = run(['config', 'check', example], { ...secrets, ADMIN_API_KEY: '' });
    expect(unset.status).toBe(1);
    expect(unset.stdout).toContain('error: ADMIN_API_KEY is unset (needed for the admin API)');
  });

  it('an SMS studio without the text of a funnel template: a warning naming it, still valid (exit 0)', async () => {
    // Nothing sends a funnel template on SMS today (no window there): refusing would stop a working studio.
    const result = run(['config', 'check', await exampleWithoutBody('leadline_resume')], secrets);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'warning: template inkwell templates.resume leadline_resume (en): no SMS text (templateBodies.leadline_resume)',
    );
    expect(result.stdout).not.toMatch(/^error:/m);
  });

  it('config schema prints JSON Schema; --version prints the package version', () => {
    const schema = run(['config', 'schema'], {});
    expect(schema.status).toBe(0);
    expect((JSON.parse(schema.stdout) as { title: string }).title).toBe('Leadline studio configuration');
    const version = run(['--version'], {});
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
