// `leadline reconcile --hours N` as a user runs it, against a live single-node runtime sharing the
// database and the fake Twilio API: the command works the run itself, prints the summary, and the running
// host applies the delivered messages once; a second run finds nothing new.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startFakeTwilioApi, type FakeTwilioApi } from '../fakes/twilio-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { childEnv } from './child-env.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/leadline.js');
const NUMBER = '+15005550006';
const LEAD = '+15551230001';

let t: TestDatabase;
let rt: Runtime;
let twilio: FakeTwilioApi;
let dir: string;
let configFile: string;

beforeAll(async () => {
  const input = {
    studios: [{ ...demoStudioInput.studios[0], sms: [{ provider: 'twilio', number: NUMBER }] }],
  };
  dir = await mkdtemp(path.join(tmpdir(), 'leadline-reconcile-'));
  configFile = path.join(dir, 'leadline.config.json');
  await writeFile(configFile, JSON.stringify(input));
  t = await createTestDatabase();
  rt = await startRuntime({
    db: t.db,
    partitions: 16, // as the CLI's default LEADLINE_PARTITIONS
    definitions: [createLeadDefinition(new StudioRegistry(parseStudioConfig(input)))],
  });
  twilio = await startFakeTwilioApi();
});
afterAll(async () => {
  await rt.stop();
  await t.drop();
  await twilio.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  run(process.execPath, [bin, 'reconcile', ...args], {
    env: childEnv({
      DATABASE_URL: t.url,
      LEADLINE_CONFIG: configFile,
      LEADLINE_HOME: dir,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_API_BASE_URL: twilio.url,
    }),
    encoding: 'utf8',
  });

it('delivers what the webhooks missed and prints the summary; a second run finds nothing new', async () => {
  const ago = (h: number) => new Date(Date.now() - h * 3_600_000);
  const [a, b] = twilio.seedHistory([
    { from: LEAD, to: NUMBER, body: 'hi', dateSent: ago(3) },
    { from: LEAD, to: NUMBER, body: 'a fox on a branch', dateSent: ago(2) },
  ]);
  const first = await cli('--hours', '24');
  expect(first.stdout).toMatch(/succeeded .*2 inbound messages, 2 new \(delivered now\), 0 already received/);
  expect(first.stdout).toContain(`inkwell twilio ${NUMBER}: done`);
  await rt.waitFor(
    async () => {
      const rows = await t.db
        .selectFrom('transcript')
        .select('provider_message_id')
        .where('lead_id', '=', leadIdFor('inkwell', LEAD))
        .where('direction', '=', 'in')
        .execute();
      return rows.length === 2;
    },
    15_000,
    'both messages applied',
  );
  const ids = await t.db
    .selectFrom('transcript')
    .select('provider_message_id')
    .where('direction', '=', 'in')
    .orderBy('id')
    .execute();
  expect(ids.map((r) => r.provider_message_id)).toEqual([a?.sid, b?.sid]);

  const second = await cli('--hours', '24', '--json');
  expect(JSON.parse(second.stdout)).toMatchObject({
    status: 'succeeded',
    newMessages: 0,
    existingMessages: 2,
  });
  const refused = await cli('--hours', '0').then(
    () => '',
    (error: unknown) => String((error as { stderr?: unknown }).stderr),
  );
  expect(refused).toContain('--hours');
}, 60_000);
