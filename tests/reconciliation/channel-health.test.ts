// Channel health: the hourly probe sends through the (fake) provider from each SMS number to itself; the
// echo webhook marks it ok; no echo within 60 s fails it, raises the alert and makes /readyz degraded for
// that channel; GET /admin/health/channels shows the figures; old checks are deleted after 30 days.
import { afterEach, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { buildApp } from '../../src/gateway/app.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import {
  PROBE_START_DELAY_MS,
  channelHealthJob,
  probedNumbers,
  recordProbeEcho,
} from '../../src/reconciliation/channel-health.ts';
import { channelReadinessCheck } from '../../src/reconciliation/channel-health-status.ts';
import { providerClientsFromEnv } from '../../src/reconciliation/history-sources.ts';
import { reconcileNumbersOf } from '../../src/reconciliation/studio-numbers.ts';
import { SECRETS } from '../gateway/gateway-harness.ts';
import {
  OPENPHONE_NUMBER,
  TWILIO_NUMBER,
  startBench,
  studiosWithSms,
  type Bench,
} from './reconcile-harness.ts';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.stop();
  bench = undefined;
});

it('probes each number hourly; an echo within 60 s is ok, none fails it, alerts and degrades /readyz', async () => {
  bench = await startBench();
  const b = bench;
  const studios = studiosWithSms();
  const numbers = () => reconcileNumbersOf(studios.all());
  const clients = providerClientsFromEnv({
    TWILIO_ACCOUNT_SID: b.twilio.accountSid,
    TWILIO_AUTH_TOKEN: b.twilio.authToken,
    TWILIO_API_BASE_URL: b.twilio.url,
    OPENPHONE_API_KEY: b.openphone.apiKey,
    OPENPHONE_API_BASE_URL: b.openphone.url,
  });
  const job = channelHealthJob({ db: b.rt.db, logger: silentLogger, clients, numbers, startDelayMs: 0 });
  const t0 = new Date('2026-03-02T10:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const run = (now: Date) => job.run({ now, periodStart: now });

  expect(await run(t0)).toEqual({ probed: 2, failed: 0 });
  const twilioProbe = b.twilio.sent.find((m) => m.to === TWILIO_NUMBER);
  const openphoneProbe = b.openphone.sent.find((m) => m.to[0] === OPENPHONE_NUMBER);
  expect(twilioProbe).toMatchObject({ from: TWILIO_NUMBER, to: TWILIO_NUMBER });
  expect(openphoneProbe?.text).toMatch(/^Leadline channel check chk_/);
  // Twilio's echo comes back as a webhook after 3 s; OpenPhone's never does.
  expect(
    await recordProbeEcho(
      b.rt.db,
      { from: TWILIO_NUMBER, to: TWILIO_NUMBER, text: twilioProbe?.body ?? '' },
      at(3_000),
    ),
  ).toBe(true);
  expect(
    await recordProbeEcho(b.rt.db, { from: '+15551230001', to: TWILIO_NUMBER, text: 'hi' }, at(3_000)),
  ).toBe(false);
  expect(await run(at(30_000))).toEqual({ probed: 0, failed: 0 });
  expect(await run(at(61_000))).toEqual({ probed: 0, failed: 1 });

  const alerts = await b.rt.db
    .selectFrom('system_events')
    .select(['type', 'payload'])
    .where('type', '=', 'alert.channel_health')
    .execute();
  expect(alerts).toHaveLength(1);
  expect(alerts[0]?.payload).toMatchObject({ observation: { number: OPENPHONE_NUMBER, channel: 'sms' } });

  const ready = await channelReadinessCheck(b.rt.db, numbers)();
  expect(ready).toEqual({
    status: 'degraded',
    detail: {
      failing: [expect.objectContaining({ number: OPENPHONE_NUMBER, error: 'no webhook within 60 s' })],
    },
  });

  const app = await buildApp({
    env: parseEnv({ ...SECRETS }),
    db: b.rt.db,
    bus: b.rt.bus,
    studios,
    logger: silentLogger,
    metrics: new Metrics(),
    options: { natsAdmin: false },
    readinessChecks: { channels: channelReadinessCheck(b.rt.db, numbers) },
  });
  try {
    const readyz = await app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.statusCode).toBe(200);
    expect(readyz.json<{ status: string }>().status).toBe('degraded');

    // An hour later both are probed again; this time OpenPhone's echo comes back too.
    expect(await run(at(3_600_000))).toEqual({ probed: 2, failed: 0 });
    const second = b.openphone.sent.at(-1);
    await recordProbeEcho(
      b.rt.db,
      { from: OPENPHONE_NUMBER, to: OPENPHONE_NUMBER, text: second?.text ?? '' },
      at(3_605_000),
    );
    await recordProbeEcho(
      b.rt.db,
      { from: TWILIO_NUMBER, to: TWILIO_NUMBER, text: b.twilio.sent.at(-1)?.body ?? '' },
      at(3_605_000),
    );

    const health = await app.inject({
      method: 'GET',
      url: '/admin/health/channels',
      headers: { 'x-api-key': SECRETS.ADMIN_API_KEY },
    });
    expect(health.statusCode).toBe(200);
    const channels = health.json<{ channels: Record<string, unknown>[] }>().channels;
    // /admin/health/channels reads the wall clock: the checks at t0 are within its 24 hours only near t0.
    expect(channels).toEqual([
      expect.objectContaining({ studioId: 'inkwell', channel: 'sms', number: TWILIO_NUMBER, ok: true }),
      expect.objectContaining({ studioId: 'inkwell', channel: 'sms', number: OPENPHONE_NUMBER, ok: true }),
    ]);
    for (const c of channels)
      for (const f of ['lastCheckAt', 'checks24h', 'successRate24h']) expect(c).toHaveProperty(f);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json<{ status: string }>().status).toBe(
      'ok',
    );
  } finally {
    await app.close();
  }

  // 30 days later the old checks are gone.
  await run(at(31 * 24 * 3_600_000));
  const left = await b.rt.db.selectFrom('channel_health_checks').select('sent_at').execute();
  expect(left.every((r) => r.sent_at.getTime() >= at(24 * 3_600_000).getTime())).toBe(true);
});

it('at start: the first probe waits PROBE_START_DELAY_MS; a sandbox number (no credentials) is never probed nor degraded', async () => {
  bench = await startBench();
  const b = bench;
  const studios = studiosWithSms();
  // Twilio has credentials; OpenPhone has none: outside production it is the sandbox.
  const clients = providerClientsFromEnv({
    TWILIO_ACCOUNT_SID: b.twilio.accountSid,
    TWILIO_AUTH_TOKEN: b.twilio.authToken,
    TWILIO_API_BASE_URL: b.twilio.url,
    OPENPHONE_API_KEY: undefined,
    OPENPHONE_API_BASE_URL: b.openphone.url,
  });
  const all = () => reconcileNumbersOf(studios.all());
  const probed = () => probedNumbers(all(), clients);
  expect(probed().map((n) => n.number)).toEqual([TWILIO_NUMBER]);
  // A failed check of the OpenPhone number from before its credentials were removed.
  await b.rt.db
    .insertInto('channel_health_checks')
    .values({
      id: 'chk_old',
      studio_id: 'inkwell',
      channel: 'sms',
      provider: 'openphone',
      number: OPENPHONE_NUMBER,
      sent_at: new Date(Date.now() - 3_600_000),
      deadline_at: new Date(Date.now() - 3_540_000),
      ok: false,
      error: 'no webhook within 60 s',
    })
    .execute();
  const ready = channelReadinessCheck(b.rt.db, probed);
  expect(await ready()).toEqual({ status: 'ok' });

  // The provider fake never echoes (no webhook is recorded in this test).
  const job = channelHealthJob({ db: b.rt.db, logger: silentLogger, clients, numbers: all });
  const t0 = new Date();
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const run = (now: Date) => job.run({ now, periodStart: now });
  expect(await run(t0)).toEqual({ probed: 0, failed: 0 });
  expect(await run(at(PROBE_START_DELAY_MS - 1_000))).toEqual({ probed: 0, failed: 0 });
  expect(b.twilio.sent).toHaveLength(0);
  expect(await ready()).toEqual({ status: 'ok' });

  expect(await run(at(PROBE_START_DELAY_MS))).toEqual({ probed: 1, failed: 0 });
  expect(b.twilio.sent.map((m) => m.to)).toEqual([TWILIO_NUMBER]);
  expect(await ready()).toEqual({ status: 'ok' }); // still within its 60 s
  expect(await run(at(PROBE_START_DELAY_MS + 61_000))).toEqual({ probed: 0, failed: 1 });
  // The echo that never came IS a failed channel: degraded for the Twilio number, and only for it.
  expect(await ready()).toEqual({
    status: 'degraded',
    detail: {
      failing: [expect.objectContaining({ number: TWILIO_NUMBER, error: 'no webhook within 60 s' })],
    },
  });
  expect(b.openphone.sent).toHaveLength(0);
  const openphoneChecks = await b.rt.db
    .selectFrom('channel_health_checks')
    .select('id')
    .where('number', '=', OPENPHONE_NUMBER)
    .execute();
  expect(openphoneChecks.map((c) => c.id)).toEqual(['chk_old']);

  // A restart within the hour (a new job: its own start delay) does not probe again before the hour.
  const restarted = channelHealthJob({ db: b.rt.db, logger: silentLogger, clients, numbers: all });
  expect(await restarted.run({ now: at(200_000), periodStart: at(200_000) })).toEqual({
    probed: 0,
    failed: 0,
  });
  expect(
    await restarted.run({
      now: at(200_000 + PROBE_START_DELAY_MS),
      periodStart: at(200_000 + PROBE_START_DELAY_MS),
    }),
  ).toEqual({ probed: 0, failed: 0 });
});
