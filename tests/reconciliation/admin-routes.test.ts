// POST/GET /admin/reconciliation/runs through the real gateway: 202 with the run, 409 while it runs,
// the figures once a worker has worked it, 404 for an unknown run, 400 for an unknown studio, 401 without
// the admin key.
import { afterEach, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { buildApp } from '../../src/gateway/app.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createReconcileWorker } from '../../src/reconciliation/run-worker.ts';
import { SECRETS } from '../gateway/gateway-harness.ts';
import { startBench, studiosWithSms, type Bench } from './reconcile-harness.ts';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.stop();
  bench = undefined;
});

it('starts a run (202), refuses a second while it runs (409) and shows its figures', async () => {
  bench = await startBench();
  const b = bench;
  const studios = studiosWithSms();
  let woken = 0;
  const app = await buildApp({
    env: parseEnv({ ...SECRETS }),
    db: b.rt.db,
    bus: b.rt.bus,
    studios,
    logger: silentLogger,
    metrics: new Metrics(),
    options: { natsAdmin: false },
    onReconciliationRun: () => woken++,
  });
  const headers = { 'x-api-key': SECRETS.ADMIN_API_KEY };
  try {
    const hidden = b.hide({ from: '+15551230001', body: 'lost', at: new Date(Date.now() - 3_600_000) });
    expect(
      (await app.inject({ method: 'POST', url: '/admin/reconciliation/runs', payload: { hours: 24 } }))
        .statusCode,
    ).toBe(401);

    const started = await app.inject({
      method: 'POST',
      url: '/admin/reconciliation/runs',
      headers,
      payload: { hours: 24 },
    });
    expect(started.statusCode).toBe(202);
    const { run } = started.json<{ run: { id: string; status: string; hoursBack: number } }>();
    expect(run).toMatchObject({ status: 'running', hoursBack: 24 });
    expect(woken).toBe(1);

    const again = await app.inject({
      method: 'POST',
      url: '/admin/reconciliation/runs',
      headers,
      payload: { hours: 24 },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('RECONCILIATION_RUNNING');

    const unknown = await app.inject({
      method: 'POST',
      url: '/admin/reconciliation/runs',
      headers,
      payload: { hours: 24, studioId: 'nope' },
    });
    expect(unknown.statusCode).toBe(400);
    const badHours = await app.inject({
      method: 'POST',
      url: '/admin/reconciliation/runs',
      headers,
      payload: { hours: 0 },
    });
    expect(badHours.statusCode).toBe(400);

    await createReconcileWorker({ ...b.deps, studios }).drain();
    await b.rt.idle();

    const one = await app.inject({ method: 'GET', url: `/admin/reconciliation/runs/${run.id}`, headers });
    expect(one.statusCode).toBe(200);
    const body = one.json<{ run: Record<string, unknown>; runs: Record<string, unknown>[] }>();
    expect(body.run).toMatchObject({
      id: run.id,
      status: 'succeeded',
      hoursBack: 24,
      messagesProcessed: 1,
      newMessages: 1,
      existingMessages: 0,
      errors: [],
      consistencyRate: 1,
    });
    for (const field of [
      'id',
      'status',
      'startedAt',
      'finishedAt',
      'hoursBack',
      'messagesProcessed',
      'newMessages',
      'existingMessages',
      'errors',
      'durationMs',
      'consistencyRate',
    ])
      expect(body.run).toHaveProperty(field);
    expect(body.runs).toEqual([body.run]);

    const list = await app.inject({ method: 'GET', url: '/admin/reconciliation/runs', headers });
    expect(list.json<{ runs: { id: string }[] }>().runs.map((r) => r.id)).toEqual([run.id]);
    expect(
      (await app.inject({ method: 'GET', url: '/admin/reconciliation/runs/rcn_nope', headers })).statusCode,
    ).toBe(404);

    // The number is free again.
    expect(
      (await app.inject({ method: 'POST', url: '/admin/reconciliation/runs', headers, payload: {} }))
        .statusCode,
    ).toBe(202);
    expect(hidden).not.toBe('');
  } finally {
    await app.close();
  }
});
