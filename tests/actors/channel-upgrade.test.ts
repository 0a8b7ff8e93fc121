// Upgrading a running deployment to the channel-neutral core, without a reset: snapshots written by lead
// machine version 1 migrate, envelopes of the WhatsApp-only event types still in a stream are upcast at
// decode, and pending `effect.whatsapp.send` outbox rows are rewritten (SQL migration) or upcast on read.
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/domain/envelope.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { LEAD_MACHINE_VERSION } from '../../src/machines/lead/lead-definition.ts';
import { upcastEffect, upcastEnvelope, upcastLeadEvent } from '../../src/domain/legacy-events.ts';
import { leadEventSchema } from '../../src/domain/lead-events.ts';
import { effectSchema } from '../../src/domain/effects.ts';
import { up as rewriteOutbox } from '../../src/persistence/migrations/0010_channel_neutral_outbox.ts';
import type { Runtime } from '../helpers/runtime-harness.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { RuntimeConversation, startLeadRuntime } from '../transcripts/runtime-conversation.ts';

const AT = '2026-11-23T09:00:00.000Z';
const PHONE = '+447700955501';

const legacyMessage = (messageId: string, text: string) => ({
  type: 'whatsapp.message',
  at: AT,
  messageId,
  from: PHONE,
  profileName: 'Alex',
  sentAt: AT,
  content: { kind: 'text', text },
});

describe('legacy event upcasts', () => {
  it('whatsapp.message becomes a valid message.received on whatsapp from the phone', () => {
    const upcast = upcastLeadEvent(legacyMessage('wamid.1', 'hi'));
    expect(upcast).toEqual({
      type: 'message.received',
      at: AT,
      channel: 'whatsapp',
      provider: 'meta',
      messageId: 'wamid.1',
      from: [{ type: 'phone', value: PHONE }],
      profileName: 'Alex',
      sentAt: AT,
      content: { kind: 'text', text: 'hi' },
    });
    expect(leadEventSchema.safeParse(upcast).success).toBe(true);
  });

  it('whatsapp.status and whatsapp.send_failed become message.status and message.send_failed', () => {
    const status = upcastLeadEvent({
      type: 'whatsapp.status',
      at: AT,
      messageId: 'wamid.out',
      status: 'failed',
      sentAt: AT,
      errors: [{ code: 131047 }],
    });
    expect(status).toMatchObject({ type: 'message.status', channel: 'whatsapp', provider: 'meta' });
    expect(leadEventSchema.safeParse(status).success).toBe(true);
    const failed = upcastLeadEvent({
      type: 'whatsapp.send_failed',
      at: AT,
      outboxId: 'ob1',
      code: 131047,
      reason: 'window',
      outsideWindow: true,
    });
    expect(failed).toMatchObject({
      type: 'message.send_failed',
      channel: 'whatsapp',
      outsideWindow: true,
      recipientOptedOut: false,
    });
    expect(leadEventSchema.safeParse(failed).success).toBe(true);
  });

  it('effect.whatsapp.send becomes effect.message.send on whatsapp; current shapes pass through', () => {
    const legacy = {
      type: 'effect.whatsapp.send',
      studioId: 'inkwell',
      to: PHONE,
      message: { kind: 'text', text: 'Hello' },
      transcript: { kind: 'text', text: 'Hello' },
    };
    const upcast = upcastEffect(legacy);
    expect(upcast).toMatchObject({ type: 'effect.message.send', channel: 'whatsapp', to: PHONE });
    expect(effectSchema.safeParse(upcast).success).toBe(true);
    const current = { type: 'message.received', at: AT };
    expect(upcastLeadEvent(current)).toBe(current);
    const envelope = { id: 'x', event: current };
    expect(upcastEnvelope(envelope)).toBe(envelope);
    expect(upcastEffect(upcast)).toBe(upcast);
  });
});

describe('a lead of machine version 1 and envelopes of the old event types', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await startLeadRuntime();
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('the v1 snapshot migrates and an old whatsapp.message envelope is answered on whatsapp', async () => {
    const conversation = await RuntimeConversation.start({ rt, phone: PHONE });
    await conversation.text('hi');
    // Make the lead what version 1 wrote: no channel, no reply address, the flat status (QUALIFYING; the
    // resumable state came with version 3), machine_version 1.
    await sql`
      UPDATE leads
         SET machine_version = 1,
             snapshot = jsonb_set(
               snapshot #- '{context,channel}' #- '{context,replyTo}',
               '{value}',
               snapshot->'value'->'resumable'
             )
       WHERE id = ${conversation.leadId}
    `.execute(rt.db);
    await rt.restartHost(); // cold caches: the lead is hydrated from the v1 row
    await conversation.take();

    const at = new Date(conversation.now).toISOString();
    const envelope = {
      id: 'whatsapp:wamid.legacy-1',
      leadId: leadIdFor('inkwell', PHONE),
      actorType: 'lead',
      studioId: 'inkwell',
      acceptedAt: at,
      event: { ...legacyMessage('wamid.legacy-1', 'A fox on a branch'), at, sentAt: at },
      transcript: { direction: 'in', kind: 'text', text: 'A fox on a branch' },
    } as Envelope;
    await rt.publish(envelope);
    await rt.idle();

    expect(await conversation.take()).toEqual([
      ['in', 'A fox on a branch'],
      ['out', 'Where on your body would it go?'],
    ]);
    const lead = await rt.db
      .selectFrom('leads')
      .select(['machine_version', 'snapshot'])
      .where('id', '=', conversation.leadId)
      .executeTakeFirstOrThrow();
    expect(lead.machine_version).toBe(LEAD_MACHINE_VERSION);
    expect(lead.snapshot).toMatchObject({ context: { channel: 'whatsapp', replyTo: { to: PHONE } } });
    const [sent] = (await conversation.effects('effect.message.send')).slice(-1);
    expect(sent).toMatchObject({ channel: 'whatsapp', to: PHONE, inReplyTo: 'wamid.legacy-1' });
    expect(await conversation.systemEvents()).toContain('runtime.snapshot_migrated');
    // A redelivery of the same old envelope is still the same message (its id did not change).
    await rt.publish(envelope);
    await rt.idle();
    expect(await conversation.take()).toEqual([]);
  });
});

describe('outbox rows of effect.whatsapp.send (migration 0010)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('rewrites unfinished rows to effect.message.send on whatsapp and leaves finished ones', async () => {
    const payload = (text: string) => ({
      type: 'effect.whatsapp.send',
      studioId: 'inkwell',
      to: PHONE,
      message: { kind: 'text', text },
    });
    const ids = { pending: randomUUID(), running: randomUUID(), done: randomUUID() };
    await t.db
      .insertInto('outbox')
      .values([
        { id: ids.pending, lead_id: 'ld_x', kind: 'effect.whatsapp.send', payload: payload('a') },
        {
          id: ids.running,
          lead_id: 'ld_x',
          kind: 'effect.whatsapp.send',
          payload: payload('b'),
          status: 'running',
        },
        {
          id: ids.done,
          lead_id: 'ld_x',
          kind: 'effect.whatsapp.send',
          payload: payload('c'),
          status: 'done',
        },
      ])
      .execute();
    // Migrations take Kysely<unknown> (frozen in time): run this one on a connection of its own.
    const frozen = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 1 }) }),
    });
    try {
      await rewriteOutbox(frozen);
      await rewriteOutbox(frozen); // re-running is harmless
    } finally {
      await frozen.destroy();
    }
    const rows = await t.db.selectFrom('outbox').select(['id', 'kind', 'payload']).execute();
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    for (const name of ['pending', 'running'] as const) {
      const id = ids[name];
      expect(byId[id]?.kind).toBe('effect.message.send');
      expect(byId[id]?.payload).toEqual({
        ...payload(name === 'pending' ? 'a' : 'b'),
        ...{ type: 'effect.message.send', channel: 'whatsapp' },
      });
      expect(effectSchema.safeParse(byId[id]?.payload).success).toBe(true);
    }
    expect(byId[ids.done]).toMatchObject({ kind: 'effect.whatsapp.send', payload: payload('c') });
  });
});
