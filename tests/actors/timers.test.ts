import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { makeEnvelope, startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { runtimeTransports } from '../helpers/transports.ts';
import { leadValues } from './lead-store.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

describe.each(runtimeTransports())('durable timers on the $name', ({ transport }) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await startRuntime({ definitions: [testCounterDefinition], transport });
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('a scheduled timer survives a host restart and fires once', async () => {
    await rt.publish(
      makeEnvelope({
        leadId: 'ld_t1',
        event: { type: 'test.schedule', key: 'reminder', dueAt: iso(60_000) },
      }),
    );
    await rt.idle();
    await rt.restartHost();
    expect(await rt.fireTimers(new Date(T0 + 59_000))).toBe(0);
    expect(await rt.fireTimers(new Date(T0 + 61_000))).toBe(1);
    expect((await leadValues(rt.db, 'ld_t1'))?.values).toEqual(['timer:reminder']);
    // Applied once: the row is gone, firing again publishes nothing.
    expect(await rt.db.selectFrom('timers').selectAll().where('lead_id', '=', 'ld_t1').execute()).toEqual([]);
    expect(await rt.fireTimers(new Date(T0 + 120_000))).toBe(0);
    const events = await rt.db
      .selectFrom('system_events')
      .select('type')
      .where('lead_id', '=', 'ld_t1')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['test.timer_fired']);
  });

  it('a cancelled timer never fires, even when its firing is already on the bus', async () => {
    await rt.publish(
      makeEnvelope({ leadId: 'ld_t2', event: { type: 'test.schedule', key: 'stale', dueAt: iso(1_000) } }),
    );
    await rt.idle();
    // Stop consuming so the firing waits on the bus, then cancel behind it.
    await rt.host.stop();
    const timer = await rt.db
      .selectFrom('timers')
      .selectAll()
      .where('lead_id', '=', 'ld_t2')
      .executeTakeFirstOrThrow();
    await rt.publish(makeEnvelope({ leadId: 'ld_t2', event: { type: 'test.cancel', key: 'stale' } }));
    await rt.publish(
      makeEnvelope({
        id: `timer:${timer.id}`,
        leadId: 'ld_t2',
        event: { type: 'timer.fired', key: 'stale', timerId: timer.id },
      }),
    );
    await rt.restartHost();
    await rt.idle();
    expect(await leadValues(rt.db, 'ld_t2')).toEqual({ values: [], version: 2 });
  });

  it('a replaced timer fires only with its new id', async () => {
    await rt.publish(
      makeEnvelope({ leadId: 'ld_t3', event: { type: 'test.schedule', key: 'reminder', dueAt: iso(1_000) } }),
    );
    await rt.idle();
    const first = await rt.db
      .selectFrom('timers')
      .select('id')
      .where('lead_id', '=', 'ld_t3')
      .executeTakeFirstOrThrow();
    await rt.publish(
      makeEnvelope({ leadId: 'ld_t3', event: { type: 'test.schedule', key: 'reminder', dueAt: iso(5_000) } }),
    );
    await rt.idle();
    const second = await rt.db
      .selectFrom('timers')
      .select('id')
      .where('lead_id', '=', 'ld_t3')
      .executeTakeFirstOrThrow();
    expect(second.id).not.toBe(first.id);
    // A stale firing of the first id is ignored.
    await rt.publish(
      makeEnvelope({
        id: `timer:${first.id}`,
        leadId: 'ld_t3',
        event: { type: 'timer.fired', key: 'reminder', timerId: first.id },
      }),
    );
    await rt.idle();
    expect((await leadValues(rt.db, 'ld_t3'))?.values).toEqual([]);
    expect(await rt.fireTimers(new Date(T0 + 2_000))).toBe(0);
    expect(await rt.fireTimers(new Date(T0 + 6_000))).toBe(1);
    expect((await leadValues(rt.db, 'ld_t3'))?.values).toEqual(['timer:reminder']);
  });

  it('fireDueTimers from several callers publishes each due timer once', async () => {
    for (let i = 0; i < 20; i++) {
      await rt.publish(
        makeEnvelope({
          leadId: `ld_tc${i}`,
          event: { type: 'test.schedule', key: 'stale', dueAt: iso(1_000) },
        }),
      );
    }
    await rt.idle();
    const { fireDueTimers } = await import('../../src/actors/fire-due-timers.ts');
    const counts = await Promise.all(
      [1, 2, 3].map(() => fireDueTimers(rt.db, rt.bus, new Date(T0 + 2_000), 7)),
    );
    const again = await fireDueTimers(rt.db, rt.bus, new Date(T0 + 2_000), 100);
    const rest = await fireDueTimers(rt.db, rt.bus, new Date(T0 + 2_000), 100);
    expect(counts.reduce((a, b) => a + b, 0) + again + rest).toBe(20);
    await rt.idle();
    for (let i = 0; i < 20; i++)
      expect((await leadValues(rt.db, `ld_tc${i}`))?.values).toEqual(['timer:stale']);
  });
});
