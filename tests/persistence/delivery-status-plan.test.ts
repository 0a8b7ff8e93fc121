// Marking a batch of sends on their transcript rows reads those rows, not the transcript: the index on
// outbox_id is partial, and before the statement named the keys as a restriction on the table, a table the
// planner had no statistics for (a burst, or autovacuum off) was read whole on every batch (174 ms at
// 200,000 rows). Read from the executed plan, not timed.
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSends, recordSendsStatement } from '../../src/persistence/delivery-status.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { executedPlan, planNodes } from '../helpers/executed-plan.ts';

describe('recording sends on the transcript', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('reads the rows of the batch only, however large the transcript (no statistics)', async () => {
    // 20,000 leads, each an inbound row and an outbound one with its outbox id, inserted in one burst.
    await t.db.executeQuery(
      CompiledQuery.raw(`
        insert into transcript (lead_id, direction, kind, text, outbox_id, at)
        select 'ld_' || l, d, 'text', 'hi', case when d = 'out' then gen_random_uuid() end, now()
        from generate_series(1, 20000) l, (values ('in'), ('out')) v(d)`),
    );
    const recent = await t.db
      .selectFrom('transcript')
      .select('outbox_id')
      .where('outbox_id', 'is not', null)
      .orderBy('id', 'desc')
      .limit(20)
      .execute();
    const sends = recent.map((r, i) => ({
      outboxId: r.outbox_id ?? '',
      providerMessageId: `wamid.${i}`,
      status: 'sent',
    }));
    const plan = await executedPlan(t.db, recordSendsStatement(sends));
    const transcriptScans = planNodes(plan).filter((n) => n['Relation Name'] === 'transcript');
    expect(transcriptScans.map((n) => n['Node Type'])).not.toContain('Seq Scan');
    const visited = transcriptScans.reduce(
      (sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1),
      0,
    );
    expect(visited).toBeLessThanOrEqual(sends.length * 2);
    // And it does what it says: each row gets its provider id and first status, once.
    await recordSends(t.db, sends);
    await recordSends(
      t.db,
      sends.map((s) => ({ ...s, status: 'delivered' })),
    );
    const rows = await t.db
      .selectFrom('transcript')
      .select(['provider_message_id', 'delivery_status'])
      .where(
        'outbox_id',
        'in',
        sends.map((s) => s.outboxId),
      )
      .execute();
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.delivery_status))).toEqual(new Set(['sent']));
  });
});
