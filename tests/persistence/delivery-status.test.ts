// The one owner of delivery status (src/persistence/delivery-status.ts) against the real database: the
// ranking the host collapses statuses with in memory and the one its commit applies in SQL are the same
// rule, a send's first status is stored once, and `failed` is final.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyDeliveryStatuses,
  laterDeliveryStatus,
  recordSendFailed,
  recordSends,
} from '../../src/persistence/delivery-status.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const statuses = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;

async function outboundRow(leadId: string, outboxId: string): Promise<void> {
  await t.db
    .insertInto('transcript')
    .values({
      lead_id: leadId,
      direction: 'out',
      kind: 'text',
      text: 'hi',
      data: null,
      provider_message_id: null,
      outbox_id: outboxId,
      at: new Date(),
    })
    .execute();
}

async function statusOf(outboxId: string): Promise<string | null> {
  const row = await t.db
    .selectFrom('transcript')
    .select('delivery_status')
    .where('outbox_id', '=', outboxId)
    .executeTakeFirstOrThrow();
  return row.delivery_status;
}

describe('delivery status', () => {
  it('statuses reported in any order end where the in-memory ranking says (SQL and TypeScript agree)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sent', 'sandbox'),
        fc.array(fc.constantFrom(...statuses), { minLength: 1, maxLength: 6 }),
        async (firstStatus, reported) => {
          const leadId = `lead-${randomUUID()}`;
          const outboxId = randomUUID();
          const providerMessageId = `wamid.${randomUUID()}`;
          await outboundRow(leadId, outboxId);
          await recordSends(t.db, [{ outboxId, providerMessageId, status: firstStatus }]);
          for (const status of reported) {
            await t.db
              .transaction()
              .execute((tx) => applyDeliveryStatuses(tx, [{ leadId, providerMessageId, status }]));
          }
          const expected = reported.reduce<string>(laterDeliveryStatus, firstStatus);
          expect(await statusOf(outboxId)).toBe(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a send records its provider id and first status once; failed overrides any status', async () => {
    const leadId = `lead-${randomUUID()}`;
    const [a, b] = [randomUUID(), randomUUID()];
    await outboundRow(leadId, a);
    await outboundRow(leadId, b);
    await recordSends(t.db, [
      { outboxId: a, providerMessageId: 'wamid.a', status: 'sent' },
      { outboxId: b, providerMessageId: 'wamid.b', status: 'sandbox' },
    ]);
    await recordSends(t.db, [{ outboxId: a, providerMessageId: 'wamid.a2', status: 'delivered' }]);
    const row = await t.db
      .selectFrom('transcript')
      .select(['provider_message_id', 'delivery_status'])
      .where('outbox_id', '=', a)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ provider_message_id: 'wamid.a', delivery_status: 'sent' });
    expect(await statusOf(b)).toBe('sandbox');
    await recordSendFailed(t.db, a);
    expect(await statusOf(a)).toBe('failed');
    await t.db
      .transaction()
      .execute((tx) => applyDeliveryStatuses(tx, [{ leadId, providerMessageId: 'wamid.a', status: 'read' }]));
    expect(await statusOf(a)).toBe('failed');
  });
});
