// The host driven by hand (host.handle with our own deliveries, no bus loop), so each rule is checked
// deterministically, without waiting for a loop or a race to happen by chance: the per-lead mailbox, ack only
// after the commit, nak when nothing can be committed, the fenced insert of a new lead, a redelivered parked
// message, and retries only for the partitions this node owns. Each test fails if its rule is removed from
// src/actors (checked by hand-mutating the runtime).
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostHooks } from '../../src/actors/host-hooks.ts';
import type { Delivery } from '../../src/bus/bus.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { makeEnvelope, startRuntime, waitFor, type Runtime } from '../helpers/runtime-harness.ts';
import { leadValues } from './lead-store.ts';

interface Settled {
  acked: string[];
  naked: string[];
}

let seq = 0;

/** A delivery of `envelope` that records how the host settled it (and runs `onAck` before acking). */
function delivery(envelope: Envelope, settled: Settled, onAck?: () => Promise<void>): Delivery {
  return {
    envelope,
    partition: 0,
    seq: ++seq,
    deliveryCount: 1,
    ack: async () => {
      await onAck?.();
      settled.acked.push(envelope.id);
    },
    nak: () => {
      settled.naked.push(envelope.id);
      return Promise.resolve();
    },
    working: () => undefined,
  };
}

const add = (leadId: string, value: unknown): Envelope =>
  makeEnvelope({ leadId, event: { type: 'test.add', value } });

describe('the actor host, driven by hand', () => {
  let t: TestDatabase;
  /** Swapped per test; the hosts below call through it. */
  let hooks: HostHooks = {};
  const runtimes: Runtime[] = [];
  const host = async (): Promise<Runtime> => {
    const rt = await startRuntime({
      db: t.db,
      definitions: [testCounterDefinition],
      partitions: 1,
      start: false,
      retryDelaysMs: [60_000],
      host: {
        retryPollMs: false,
        hooks: {
          beforeApply: (envelope) => hooks.beforeApply?.(envelope),
          onLeadBusy: (leadId, busy) => hooks.onLeadBusy?.(leadId, busy),
        },
      },
    });
    runtimes.push(rt);
    return rt;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    for (const rt of runtimes) await rt.stop();
    await t.drop();
  });

  it('runs batches of one lead handed over at once one after the other (the per-lead mailbox)', async () => {
    const rt = await host();
    const busy = new Map<string, number>();
    const overlapping: string[] = [];
    hooks = {
      onLeadBusy(leadId, isBusy) {
        const n = (busy.get(leadId) ?? 0) + (isBusy ? 1 : -1);
        if (n > 1) overlapping.push(leadId);
        busy.set(leadId, n);
      },
    };
    const settled: Settled = { acked: [], naked: [] };
    // Three batches of ld_box in flight together (as a retry pass and a bus batch can be), one of another lead.
    await Promise.all([
      rt.host.handle([delivery(add('ld_box', 1), settled), delivery(add('ld_other', 'x'), settled)]),
      rt.host.handle([delivery(add('ld_box', 2), settled)]),
      rt.host.handle([delivery(add('ld_box', 3), settled)]),
    ]);
    expect(overlapping).toEqual([]);
    // Each waited for the previous one and built on its cached actor: no lost race, applied in hand-over order.
    expect(rt.host.store.getSnapshot().context.conflicts).toBe(0);
    expect(await leadValues(t.db, 'ld_box')).toEqual({ values: [1, 2, 3], version: 3 });
    expect(settled.acked).toHaveLength(4);
  });

  it('acks a delivery only once its message is committed', async () => {
    const rt = await host();
    hooks = {};
    const settled: Settled = { acked: [], naked: [] };
    /** Per delivery: at each ack, whether its message was committed. */
    const committedAtAck: Record<string, boolean[]> = {};
    const committedDelivery = (envelope: Envelope) =>
      delivery(envelope, settled, async () => {
        // Another connection sees only committed rows.
        const row = await t.db
          .selectFrom('processed_messages')
          .select('message_id')
          .where('message_id', '=', envelope.id)
          .executeTakeFirst();
        committedAtAck[envelope.id] = [...(committedAtAck[envelope.id] ?? []), row !== undefined];
      });
    const batch = [add('ld_ack', 1), add('ld_ack', 2), add('ld_ack2', 1)];
    await rt.host.handle(batch.map(committedDelivery));
    expect(committedAtAck).toEqual(Object.fromEntries(batch.map((e) => [e.id, [true]])));
    expect(settled.naked).toEqual([]);
  });

  it('gives every delivery back (nak, never ack) while the database refuses writes, and applies them once when they come again', async () => {
    const rt = await host();
    hooks = {};
    // Real PostgreSQL refusing every write the host could make (leads, processed ids, parked, dead letters).
    const tables = ['leads', 'processed_messages', 'lead_retries', 'dead_letters'];
    await sql`create function refuse_writes() returns trigger language plpgsql as $$
      begin raise exception 'writes refused (test)'; end $$`.execute(t.db);
    for (const table of tables) {
      await sql`create trigger refuse_writes before insert or update or delete on ${sql.table(table)}
        for each statement execute function refuse_writes()`.execute(t.db);
    }
    const envelopes = [add('ld_down', 1), add('ld_down', 2), add('ld_down2', 1)];
    const first: Settled = { acked: [], naked: [] };
    try {
      await rt.host.handle(envelopes.map((e) => delivery(e, first)));
    } finally {
      for (const table of tables) await sql`drop trigger refuse_writes on ${sql.table(table)}`.execute(t.db);
      await sql`drop function refuse_writes()`.execute(t.db);
    }
    expect(first.acked).toEqual([]);
    expect([...first.naked].sort()).toEqual(envelopes.map((e) => e.id).sort());

    const again: Settled = { acked: [], naked: [] };
    await rt.host.handle(envelopes.map((e) => delivery(e, again)));
    expect(again.naked).toEqual([]);
    expect(await leadValues(t.db, 'ld_down')).toEqual({ values: [1, 2], version: 2 });
    expect(await leadValues(t.db, 'ld_down2')).toEqual({ values: [1], version: 1 });
    const failed = await t.db
      .selectFrom('lead_retries')
      .select('lead_id')
      .where('lead_id', 'in', ['ld_down', 'ld_down2'])
      .union(
        t.db.selectFrom('dead_letters').select('lead_id').where('lead_id', 'in', ['ld_down', 'ld_down2']),
      )
      .execute();
    expect(failed).toEqual([]);
  });

  it('two hosts that both take a lead for new commit one insert; the other reloads and applies on top', async () => {
    const a = await host();
    const b = await host();
    hooks = {};
    const settled: Settled = { acked: [], naked: [] };
    // Hold every write to processed_messages, so both hosts read "no row" before either commits.
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    const lockWaiters = async () =>
      Number(
        (
          await sql<{ n: string }>`select count(*) as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db)
        ).rows[0]?.n,
      );
    try {
      await blocker.query('begin');
      await blocker.query('lock table processed_messages in exclusive mode');
      const first = a.host.handle([delivery(add('ld_new', 'a'), settled)]);
      await waitFor(async () => (await lockWaiters()) === 1, 5_000, 'host a to wait on its commit');
      const second = b.host.handle([delivery(add('ld_new', 'b'), settled)]);
      await waitFor(async () => (await lockWaiters()) === 2, 5_000, 'host b to wait on its commit');
      await blocker.query('rollback');
      await Promise.all([first, second]);
    } finally {
      await blocker.end();
    }
    const lead = await leadValues(t.db, 'ld_new');
    expect(lead?.version).toBe(2);
    expect([...(lead?.values ?? [])].sort()).toEqual(['a', 'b']);
    const versions = await t.db
      .selectFrom('processed_messages')
      .select('lead_version')
      .where('lead_id', '=', 'ld_new')
      .orderBy('lead_version')
      .execute();
    expect(versions.map((v) => Number(v.lead_version))).toEqual([1, 2]);
    expect(settled.acked).toHaveLength(2);
  });

  it('a parked message delivered again (its ack was lost) stays parked once', async () => {
    const rt = await host();
    const poison = add('ld_parked', 'p');
    const later = add('ld_parked', 'later');
    hooks = {
      beforeApply(envelope) {
        if (envelope.id === poison.id) throw new Error('transient failure');
      },
    };
    const settled: Settled = { acked: [], naked: [] };
    await rt.host.handle([delivery(poison, settled)]);
    await rt.host.handle([delivery(poison, settled), delivery(later, settled)]);
    const parked = await t.db
      .selectFrom('lead_retries')
      .select('message_id')
      .where('lead_id', '=', 'ld_parked')
      .orderBy('seq')
      .execute();
    expect(parked.map((p) => p.message_id)).toEqual([poison.id, later.id]);
    expect(settled.acked).toHaveLength(3);
  });

  it('retries only the parked leads of partitions this node owns', async () => {
    // Not consuming: this node owns no partition (another worker owns the lead's).
    const rt = await host();
    hooks = {
      beforeApply(envelope) {
        if (envelope.leadId === 'ld_foreign') throw new Error('transient failure');
      },
    };
    const settled: Settled = { acked: [], naked: [] };
    await rt.host.handle([delivery(add('ld_foreign', 1), settled)]);
    hooks = {};
    expect(await rt.host.processDueRetries(new Date(Date.now() + 120_000))).toBe(0);
    expect(await leadValues(t.db, 'ld_foreign')).toBeUndefined();
    expect(
      await t.db.selectFrom('lead_retries').select('attempts').where('lead_id', '=', 'ld_foreign').execute(),
    ).toEqual([{ attempts: 1 }]);
  });
});
