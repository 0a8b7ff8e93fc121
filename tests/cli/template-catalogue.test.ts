// The configured WhatsApp templates are checked against the account's approved catalogue: a pure check,
// Graph's paged listing through the real client, and `config check` / a production start against a fake
// Graph API that lists the templates.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRelayOptions } from '../../src/effects/relay-options.ts';
import { createGraphClient } from '../../src/effects/whatsapp/graph-client.ts';
import { templateProblems } from '../../src/effects/whatsapp/template-catalogue.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startFakeGraphApi, type FakeGraphApi, type FakeTemplate } from '../fakes/graph-api.ts';
import { childEnv } from './child-env.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/leadline.js');
const studio = demoStudioConfig.studios[0]!;
const WABA = '102000000000001';
const approved = (name: string, language = 'en'): FakeTemplate => ({ name, language, status: 'APPROVED' });

describe('templateProblems', () => {
  it('names a missing template, one without the studio language, and one not approved', () => {
    const problems = templateProblems({ ...studio, language: 'en' }, [
      approved('leadline_resume'),
      { name: 'leadline_reminder', language: 'en', status: 'PENDING' },
      approved('leadline_deposit', 'de'),
    ]);
    expect(problems.map((p) => [p.path, p.why])).toEqual([
      ['templates.reminder', 'status PENDING, not APPROVED'],
      ['templates.deposit', 'no en translation (has de)'],
    ]);
    expect(templateProblems(studio, [])).toHaveLength(3);
    const all = ['leadline_resume', 'leadline_reminder', 'leadline_deposit'].map((n) => approved(n));
    expect(templateProblems(studio, all)).toEqual([]);
  });

  it("checks every template in each of the studio's languages and its body's parameter count", () => {
    const body = (text: string) => [{ type: 'BODY', text }];
    const multi = { ...studio, languages: ['en', 'de'] };
    const problems = templateProblems(multi, [
      { ...approved('leadline_resume'), components: body('Hi {{1}}, this is {{2}}. Reply to see it.') },
      // Sent with two parameters (lead.firstName, studio.name): a body without variables is refused by Meta.
      { ...approved('leadline_reminder'), components: body('Just checking in. Reply to carry on.') },
      approved('leadline_deposit'),
      ...['leadline_resume', 'leadline_reminder'].map((n) => approved(n, 'de')),
    ]);
    expect(problems.map((p) => [p.path, p.language, p.why])).toEqual([
      ['templates.reminder', 'en', 'its body takes 0 parameter(s), Leadline sends 2 (templateParams)'],
      ['templates.deposit', 'de', 'no de translation (has en)'],
    ]);
  });
});

let graph: FakeGraphApi;
let dir: string;
beforeAll(async () => {
  graph = await startFakeGraphApi();
  dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-templates-'));
});
afterAll(async () => {
  await graph.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the catalogue from Graph', () => {
  it('reads every page of the account templates', async () => {
    const many = Array.from({ length: 230 }, (_, i) => approved(`t${i}`));
    graph.setTemplates('5550001', many);
    const client = createGraphClient({
      baseUrl: graph.url,
      accessToken: graph.token,
      timeouts: defaultRelayOptions.timeouts,
    });
    const listed = await client.listTemplates('5550001');
    expect(listed.map((t) => t.name)).toEqual(many.map((t) => t.name));
  });
});

describe('config check and a production start', () => {
  const run = async (args: string[], env: Record<string, string>) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
        cwd: dir,
        env: childEnv({ LEADLINE_HOME: path.join(dir, 'home'), ...env }),
        timeout: 60_000,
      });
      return { status: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const secrets = () => ({
    ADMIN_API_KEY: 'k',
    WHATSAPP_APP_SECRET: 's',
    WHATSAPP_VERIFY_TOKEN: 'v',
    WHATSAPP_ACCESS_TOKEN: graph.token,
    WHATSAPP_API_BASE_URL: graph.url,
    STRIPE_SECRET_KEY: 'sk_test_x',
    STRIPE_WEBHOOK_SECRET: 'whsec_x',
    ACTION_LINK_SECRET: 'l',
    PUBLIC_BASE_URL: 'https://leadline.example',
    // The example studio has a Twilio number.
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 't',
  });
  let file: string;
  beforeAll(async () => {
    const example = await readFile(path.join(root, 'leadline.config.example.yaml'), 'utf8');
    file = path.join(dir, 'leadline.config.yaml');
    await writeFile(file, example.replace(`# businessAccountId: '${WABA}'`, `businessAccountId: '${WABA}'`));
  });

  it('config check names each template the account lacks, and exits 1', async () => {
    graph.setTemplates(WABA, [approved('leadline_resume'), approved('leadline_reminder')]);
    const result = await run(['config', 'check', file], secrets());
    expect(result.status, result.stdout).toBe(1);
    expect(result.stdout).toContain(
      'error: template inkwell templates.deposit leadline_deposit (en): not in the WhatsApp Business Account',
    );
    expect(result.stdout).not.toContain('templates.resume');
  });

  it('config check passes once every template is approved', async () => {
    graph.setTemplates(
      WABA,
      ['leadline_resume', 'leadline_reminder', 'leadline_deposit'].map((n) => approved(n)),
    );
    const result = await run(['config', 'check', file], secrets());
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^ok: 1 studio/m);
  });

  it('a production start refuses an unapproved template in one line, before anything starts', async () => {
    graph.setTemplates(WABA, [
      approved('leadline_resume'),
      approved('leadline_reminder'),
      { name: 'leadline_deposit', language: 'en', status: 'REJECTED' },
    ]);
    const result = await run(['start'], { ...secrets(), NODE_ENV: 'production', LEADLINE_CONFIG: file });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'leadline: refusing to start in production: templates not approved: inkwell templates.deposit leadline_deposit (en): status REJECTED, not APPROVED',
    );
  });
});
