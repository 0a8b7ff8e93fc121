// The whole system (leadline start, role all): POST /admin/reconciliation/runs is answered 202 and the
// process's own reconcile worker works the run at once; GET shows it succeeded with the hidden message
// delivered, and GET /admin/health/channels lists the number.
import { afterEach, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startSystem, type RunningSystem } from '../../src/system.ts';
import { startFakeTwilioApi, type FakeTwilioApi } from '../fakes/twilio-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitFor } from '../helpers/runtime-harness.ts';

const NUMBER = '+15005550006';
const LEAD = '+15551230001';
const KEY = 'system-admin-key';

let system: RunningSystem | undefined;
let twilio: FakeTwilioApi | undefined;
let t: TestDatabase | undefined;
afterEach(async () => {
  await system?.stop();
  await twilio?.close();
  await t?.drop();
});

it('POST /admin/reconciliation/runs is worked by the running system; the lead gets the message', async () => {
  t = await createTestDatabase();
  twilio = await startFakeTwilioApi();
  const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
  const studio = input.studios[0] ?? {};
  studio.sms = [{ provider: 'twilio', number: NUMBER }];
  system = await startSystem({
    env: parseEnv({
      DATABASE_URL: t.url,
      HOST: '127.0.0.1',
      PORT: '0',
      ADMIN_API_KEY: KEY,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_API_BASE_URL: twilio.url,
      LEADLINE_PROBE_INTERVAL: '0',
      // The day's scheduled run (at or after this time, UTC) would reconcile the hidden message itself.
      LEADLINE_RECONCILE_AT: '23:59',
      LOG_LEVEL: 'silent',
    }),
    role: 'all',
    studioConfig: parseStudioConfig(input),
  });
  const [hidden] = twilio.seedHistory([
    { from: LEAD, to: NUMBER, body: 'a lost message', dateSent: new Date(Date.now() - 3_600_000) },
  ]);
  const headers = { 'x-api-key': KEY, 'content-type': 'application/json' };
  // Started after LEADLINE_RECONCILE_AT, the system makes the day's scheduled run at once, and a number is
  // reconciled by one run at a time: 409 until that run is done, as for any client.
  const post = () =>
    fetch(`${system?.url}/admin/reconciliation/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ hours: 24 }),
    });
  let res = await post();
  const deadline = Date.now() + 20_000;
  while (res.status === 409 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    res = await post();
  }
  expect(res.status).toBe(202);
  const { run } = (await res.json()) as { run: { id: string } };
  const url = system.url;
  let body: { run: { status: string; newMessages: number; messagesProcessed: number } } | undefined;
  await waitFor(
    async () => {
      const got = await fetch(`${url}/admin/reconciliation/runs/${run.id}`, { headers });
      body = (await got.json()) as typeof body;
      return body?.run.status !== 'running';
    },
    20_000,
    'the run to finish',
  );
  expect(body?.run).toMatchObject({ status: 'succeeded', newMessages: 1, messagesProcessed: 1 });
  const db = system.db;
  await waitFor(
    async () => {
      const rows = await db
        .selectFrom('transcript')
        .select('provider_message_id')
        .where('lead_id', '=', leadIdFor('inkwell', LEAD))
        .where('provider_message_id', '=', hidden?.sid ?? '')
        .execute();
      return rows.length === 1;
    },
    20_000,
    'the lead to have the message',
  );
  const health = await fetch(`${url}/admin/health/channels`, { headers });
  expect(((await health.json()) as { channels: { number: string }[] }).channels.map((c) => c.number)).toEqual(
    [NUMBER],
  );
}, 60_000);
