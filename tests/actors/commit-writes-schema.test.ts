// The commit's raw SQL (src/actors/commit-writes.ts: unnest multi-row statements, which Kysely's builders do
// not express in one statement) checked against the schema the migrations build: two commits that between
// them run every statement commitWrites can issue, against a freshly migrated database, with each
// statement's rows read back through the typed Kysely schema. A migration that renames or drops a column
// one of the statements names fails here (the last test shows it does), not in production.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitWrites } from '../../src/actors/commit-writes.ts';
import { emptyWrites, type LeadWrites } from '../../src/actors/lead-writes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const studioId = 'inkwell';
const first = new Date('2026-12-03T10:00:00.000Z');
const second = new Date('2026-12-03T10:05:00.000Z');

function projection(status: string, phone: string | null) {
  return {
    status,
    step: 'size',
    answers: { style: 'fine line' },
    phone,
    name: 'Ada',
    lastInboundAt: first.toISOString(),
    channel: 'whatsapp',
  };
}

/** New lead A: the insert path of every table, a timer to consume and one to cancel, two parked messages. */
function firstCommit(a: string, b: string, ids: { consumed: string; cancelled: string }): LeadWrites[] {
  const wa = emptyWrites(a, 'lead', studioId);
  wa.lead = {
    expectedVersion: null,
    newVersion: 1,
    persisted: { value: 'QUALIFYING' },
    machineId: 'lead',
    machineVersion: 2,
    projection: projection('QUALIFYING', '+15550001'),
  };
  wa.processed.push({ messageId: 'wamid.in-1', version: 1 });
  wa.transcript.push({
    direction: 'out',
    kind: 'text',
    text: 'What size?',
    data: null,
    providerMessageId: 'wamid.out-1',
    outboxId: null,
    at: first.toISOString(),
  });
  wa.timers.set('reminder', { id: ids.consumed, dueAt: '2026-12-04T10:00:00.000Z' });
  wa.timers.set('staleness', { id: ids.cancelled, dueAt: '2026-12-10T10:00:00.000Z' });
  for (const messageId of ['m-parked-1', 'm-parked-2']) {
    wa.park.push({
      messageId,
      envelope: { id: messageId },
      attempts: 1,
      lastError: 'boom',
      nextAttemptAt: new Date('2026-12-03T10:01:00.000Z'),
    });
  }
  const wb = emptyWrites(b, 'lead', studioId);
  wb.lead = { ...wa.lead, projection: projection('NEW', '+15550002') };
  wb.identifiers.push({ type: 'phone', value: '+15550002' });
  return [wa, wb];
}

async function parkedSeqs(leadId: string): Promise<string[]> {
  const rows = await t.db
    .selectFrom('lead_retries')
    .select('seq')
    .where('lead_id', '=', leadId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.seq);
}

/** Lead A again: the fenced update, and the statements that touch rows the first commit wrote. */
function secondCommit(a: string, ids: { consumed: string; outbox: string; dead: string }, seqs: string[]) {
  const w = emptyWrites(a, 'lead', studioId);
  w.lead = {
    expectedVersion: 1,
    newVersion: 2,
    persisted: { value: 'QUOTED' },
    machineId: 'lead',
    machineVersion: 2,
    projection: { ...projection('QUOTED', null), step: null, answers: { style: 'fine line', size: 'palm' } },
  };
  w.processed.push({ messageId: 'wamid.in-2', version: 2 });
  w.outbox.push({
    id: ids.outbox,
    kind: 'effect.message.send',
    payload: { type: 'effect.message.send', to: '+15550001' },
    traceId: 'trace-1',
    envelopeId: 'wamid.in-2',
  });
  w.transcript.push({
    direction: 'out',
    kind: 'text',
    text: 'A palm piece is 200.',
    data: { choices: ['ok'] },
    providerMessageId: null,
    outboxId: ids.outbox,
    at: second.toISOString(),
  });
  w.consumedTimerIds.push(ids.consumed);
  w.timers.set('staleness', null);
  w.systemEvents.push({ level: 'info', type: 'lead.quoted', leadId: a, payload: { amount: 200 } });
  w.deliveries.set('wamid.out-1', 'failed');
  w.deliveryErrors.set('wamid.out-1', { code: 131026, title: 'undeliverable' });
  w.retriesDone.push(seqs[0]!);
  w.retryHead = {
    seq: seqs[1]!,
    attempts: 2,
    lastError: 'boom again',
    nextAttemptAt: new Date('2026-12-03T10:07:00.000Z'),
  };
  w.deadLetters.push({
    id: ids.dead,
    messageId: 'm-dead',
    envelope: { id: 'm-dead' },
    error: 'invalid',
    attempts: 3,
  });
  // Lead B owns this phone already: recorded as identity.conflict, not taken.
  w.identifiers.push({ type: 'phone', value: '+15550002' });
  return [w];
}

async function commit(writes: LeadWrites[], at: Date): Promise<void> {
  await t.db.transaction().execute((tx) => commitWrites(tx, writes, at));
}

describe('commitWrites against a freshly migrated database', () => {
  it('every statement it can issue runs and writes the columns the Kysely schema reads back', async () => {
    const a = `lead-${randomUUID()}`;
    const b = `lead-${randomUUID()}`;
    const ids = { consumed: randomUUID(), cancelled: randomUUID(), outbox: randomUUID(), dead: randomUUID() };
    await commit(firstCommit(a, b, ids), first);
    const seqs = await parkedSeqs(a);
    expect(seqs).toHaveLength(2);
    await commit(secondCommit(a, ids, seqs), second);

    const lead = await t.db
      .selectFrom('leads')
      .select(['version', 'snapshot', 'machine_version', 'status', 'step', 'answers', 'phone', 'name'])
      .select(['last_inbound_at', 'channel', 'actor_type', 'studio_id', 'created_at', 'updated_at'])
      .where('id', '=', a)
      .executeTakeFirstOrThrow();
    expect(lead).toEqual({
      version: '2',
      snapshot: { value: 'QUOTED' },
      machine_version: 2,
      status: 'QUOTED',
      step: null,
      answers: { style: 'fine line', size: 'palm' },
      phone: '+15550001', // kept: the update's null does not erase it
      name: 'Ada',
      last_inbound_at: first,
      channel: 'whatsapp',
      actor_type: 'lead',
      studio_id: studioId,
      created_at: first,
      updated_at: second,
    });

    const processed = await t.db
      .selectFrom('processed_messages')
      .select(['message_id', 'lead_version', 'processed_at'])
      .where('lead_id', '=', a)
      .orderBy('lead_version')
      .execute();
    expect(processed).toEqual([
      { message_id: 'wamid.in-1', lead_version: '1', processed_at: first },
      { message_id: 'wamid.in-2', lead_version: '2', processed_at: second },
    ]);

    const transcript = await t.db
      .selectFrom('transcript')
      .select([
        'direction',
        'kind',
        'text',
        'data',
        'provider_message_id',
        'outbox_id',
        'delivery_status',
        'at',
      ])
      .where('lead_id', '=', a)
      .orderBy('id')
      .execute();
    expect(transcript).toEqual([
      {
        direction: 'out',
        kind: 'text',
        text: 'What size?',
        data: { deliveryError: { code: 131026, title: 'undeliverable' } },
        provider_message_id: 'wamid.out-1',
        outbox_id: null,
        delivery_status: 'failed',
        at: first,
      },
      {
        direction: 'out',
        kind: 'text',
        text: 'A palm piece is 200.',
        data: { choices: ['ok'] },
        provider_message_id: null,
        outbox_id: ids.outbox,
        delivery_status: null,
        at: second,
      },
    ]);

    const outbox = await t.db
      .selectFrom('outbox')
      .select(['id', 'kind', 'payload', 'trace_id', 'envelope_id', 'status', 'next_attempt_at', 'created_at'])
      .where('lead_id', '=', a)
      .execute();
    expect(outbox).toEqual([
      {
        id: ids.outbox,
        kind: 'effect.message.send',
        payload: { type: 'effect.message.send', to: '+15550001' },
        trace_id: 'trace-1',
        envelope_id: 'wamid.in-2',
        status: 'pending',
        next_attempt_at: second,
        created_at: second,
      },
    ]);

    // The reminder was consumed, the staleness timer cancelled: none left.
    const timers = await t.db.selectFrom('timers').select('key').where('lead_id', '=', a).execute();
    expect(timers).toEqual([]);

    const events = await t.db
      .selectFrom('system_events')
      .select(['level', 'type', 'payload', 'at'])
      .where('lead_id', '=', a)
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { level: 'info', type: 'lead.quoted', payload: { amount: 200 }, at: second },
      {
        level: 'warn',
        type: 'identity.conflict',
        payload: { type: 'phone', value: '+15550002', ownerLeadId: b },
        at: second,
      },
    ]);

    const identifiers = await t.db
      .selectFrom('lead_identifiers')
      .select(['type', 'value', 'lead_id', 'created_at'])
      .where('studio_id', '=', studioId)
      .where('value', '=', '+15550002')
      .execute();
    expect(identifiers).toEqual([{ type: 'phone', value: '+15550002', lead_id: b, created_at: first }]);

    const retries = await t.db
      .selectFrom('lead_retries')
      .select(['seq', 'message_id', 'envelope', 'attempts', 'last_error', 'next_attempt_at', 'created_at'])
      .where('lead_id', '=', a)
      .execute();
    expect(retries).toEqual([
      {
        seq: seqs[1],
        message_id: 'm-parked-2',
        envelope: { id: 'm-parked-2' },
        attempts: 2,
        last_error: 'boom again',
        next_attempt_at: new Date('2026-12-03T10:07:00.000Z'),
        created_at: first,
      },
    ]);

    const dead = await t.db
      .selectFrom('dead_letters')
      .select(['id', 'message_id', 'envelope', 'error', 'attempts', 'failed_at'])
      .where('lead_id', '=', a)
      .execute();
    expect(dead).toEqual([
      {
        id: ids.dead,
        message_id: 'm-dead',
        envelope: { id: 'm-dead' },
        error: 'invalid',
        attempts: 3,
        failed_at: second,
      },
    ]);
  });

  // One column per statement: renaming it (as a careless migration would) must fail the commit.
  it.each([
    ['leads', 'machine_version'],
    ['processed_messages', 'lead_version'],
    ['transcript', 'outbox_id'],
    ['outbox', 'envelope_id'],
    ['system_events', 'level'],
    ['lead_retries', 'next_attempt_at'],
    ['dead_letters', 'attempts'],
    ['timers', 'due_at'],
    ['timers', 'key'],
    ['lead_identifiers', 'value'],
    ['transcript', 'delivery_status'],
  ])('a renamed %s.%s fails the commit', async (table, column) => {
    const a = `lead-${randomUUID()}`;
    const b = `lead-${randomUUID()}`;
    const ids = { consumed: randomUUID(), cancelled: randomUUID(), outbox: randomUUID(), dead: randomUUID() };
    await commit(firstCommit(a, b, ids), first);
    const seqs = await parkedSeqs(a);
    const rolledBack = new Error('roll back the rename');
    await expect(
      t.db.transaction().execute(async (tx) => {
        await sql`alter table ${sql.table(table)} rename column ${sql.ref(column)} to renamed_column`.execute(
          tx,
        );
        await expect(
          commitWrites(
            tx,
            [
              ...firstCommit(`lead-${randomUUID()}`, `lead-${randomUUID()}`, {
                consumed: randomUUID(),
                cancelled: randomUUID(),
              }),
              ...secondCommit(a, ids, seqs),
            ],
            second,
          ),
        ).rejects.toThrow(new RegExp(`column.*(${column}|does not exist)`));
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
  });
});
