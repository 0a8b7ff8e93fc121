// The daily cost alert over real PostgreSQL: a studio whose orchestrator cost since the start of the UTC day
// passes orchestrator.dailyCostLimitUsd gets one alert.orchestrator_daily_cost through the alert sink (the
// system event and the alert webhook), once per studio per day however often the job runs; the next day
// alerts again; a studio at or under its limit, or without one, never does.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.ts';
import { checkDailyCosts, DAILY_COST_ALERT } from '../../src/orchestrator/cost-alert-job.ts';
import { recordUsage } from '../../src/orchestrator/usage-store.ts';
import { listen, readBody, sendJson, type FakeServer } from '../fakes/fake-http.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { orchestratorStudios, PRICING } from './orchestrator-studios.ts';

const studios = orchestratorStudios('http://127.0.0.1:1/v1/chat/completions').studios;
let database: TestDatabase;
let webhook: FakeServer;
const posted: Record<string, unknown>[] = [];
let calls = 0;

/** One call costing $0.80 (1,000 prompt tokens at $0.5 per 1,000 + 200 completion tokens at $1.5). */
async function spend(at: Date, studioId = 'assist'): Promise<void> {
  calls += 1;
  await recordUsage(
    database.db,
    {
      outboxId: `ob_cost_${calls}`,
      studioId,
      leadId: 'lead_cost',
      sessionId: null,
      channel: 'api',
      model: 'fake-model-1',
      promptTokens: 1_000,
      completionTokens: 200,
      at,
    },
    PRICING,
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  webhook = await listen(async (req: IncomingMessage, res) => {
    posted.push(JSON.parse(await readBody(req)) as Record<string, unknown>);
    sendJson(res, 200, {});
  });
});
afterAll(async () => {
  await webhook.close();
  await database.drop();
});

describe('orchestrator.dailyCostLimitUsd', () => {
  it('alerts once per studio per UTC day past the limit, and again the next day', async () => {
    const deps = {
      db: database.db,
      logger: silentLogger,
      studios: () => studios,
      alertWebhookUrl: webhook.url,
    };
    const morning = new Date('2026-12-03T08:00:00.000Z');
    // $0.80 a call against a $1 limit: one call is under it.
    await spend(morning);
    expect(await checkDailyCosts(deps, morning)).toEqual([]);
    // Yesterday's spending does not count today.
    await spend(new Date('2026-12-02T23:59:00.000Z'));
    expect(await checkDailyCosts(deps, morning)).toEqual([]);
    await spend(new Date('2026-12-03T09:00:00.000Z'));
    const later = new Date('2026-12-03T09:01:00.000Z');
    expect(await checkDailyCosts(deps, later)).toEqual(['assist']);
    expect(await checkDailyCosts(deps, later)).toEqual([]);
    await spend(new Date('2026-12-03T10:00:00.000Z'));
    expect(await checkDailyCosts(deps, new Date('2026-12-03T10:01:00.000Z'))).toEqual([]);

    const events = await database.db
      .selectFrom('system_events')
      .select(['type', 'payload'])
      .where('type', '=', DAILY_COST_ALERT)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({
      observation: { studioId: 'assist', day: '2026-12-03', costUsd: 1.6, limitUsd: 1 },
      delivery: 'posted',
    });
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ alert: DAILY_COST_ALERT });

    // The next day starts from nothing: alerted again once it passes the limit.
    const nextDay = new Date('2026-12-04T08:00:00.000Z');
    await spend(nextDay);
    await spend(nextDay);
    expect(await checkDailyCosts(deps, nextDay)).toEqual(['assist']);
    // `inkwell` has no limit: however much it spends, no alert.
    await spend(nextDay, 'inkwell');
    await spend(nextDay, 'inkwell');
    expect(await checkDailyCosts(deps, nextDay)).toEqual([]);
    expect(posted).toHaveLength(2);
  });
});
