import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSystemEvent } from '../../src/persistence/system-events.ts';
import { applyRetention, defaultRetention } from '../../src/jobs/retention.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testIso } from '../helpers/test-clock.ts';

describe('retention', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('deletes system events older than the retention and keeps the rest', async () => {
    const now = new Date(testIso('2026-11-21T12:00:00Z'));
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    for (const d of [91, 95, 89, 1]) {
      await recordSystemEvent(t.db, { level: 'info', type: `test.age_${d}`, at: daysAgo(d) });
    }
    const deleted = await applyRetention(t.db, now, defaultRetention);
    expect(deleted.systemEvents).toBe(2);
    const kept = await t.db.selectFrom('system_events').select('type').orderBy('type').execute();
    expect(kept.map((r) => r.type)).toEqual(['test.age_1', 'test.age_89']);
    expect((await applyRetention(t.db, now, defaultRetention)).systemEvents).toBe(0);
  });

  it('deletes message-API idempotency claims two days old (their 24-hour window is over)', async () => {
    const now = new Date(testIso('2026-11-21T12:00:00Z'));
    for (const [id, hours] of [
      ['old', 49],
      ['young', 30],
    ] as const) {
      await t.db
        .insertInto('message_requests')
        .values({
          studio_id: 'inkwell',
          session_id: 'ss_x',
          request_id: id,
          message_id: `msg_${id}`,
          lead_id: 'ld_x',
          envelope: {},
          created_at: new Date(now.getTime() - hours * 3_600_000),
        })
        .execute();
    }
    expect((await applyRetention(t.db, now, defaultRetention)).messageRequests).toBe(1);
    const kept = await t.db.selectFrom('message_requests').select('request_id').execute();
    expect(kept.map((r) => r.request_id)).toEqual(['young']);
  });
});
