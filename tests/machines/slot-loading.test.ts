// Offers wait for the studio's booked slots (effect.booking.load_taken → booking.taken_slots, rule 12): the
// parts the golden conversations don't show — snapshots from before the load existed, answers arriving
// outside BOOKING, offers whose time has passed.
import { createActor, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.ts';
import { HOUR, LeadDriver } from './lead-driver.ts';
import { testIso } from '../helpers/test-clock.ts';

const MINUTE = 60_000;

/** A lead that qualified, was approved and paid: in BOOKING with a load of the booked slots under way. */
function paidLead(): LeadDriver {
  const d = new LeadDriver();
  d.answerAll();
  d.control({ type: 'artist.approve' });
  d.control({
    type: 'deposit.checkout_created',
    outboxId: 'ob_c',
    sessionId: 'cs_1',
    url: 'https://pay.test/cs_1',
    expiresAt: new Date(d.now + 24 * HOUR).toISOString(),
  });
  d.control({ type: 'deposit.mark_paid' });
  expect(d.status).toBe('BOOKING');
  return d;
}

function loaded(d: LeadDriver, takenSlots: string[] = []): Effect[] {
  return d.control({ type: 'booking.taken_slots', outboxId: 'ob_load', takenSlots });
}

const sends = (effects: readonly Effect[]) => effects.filter((e) => e.type === 'effect.message.send');

describe('slot offers wait for the booked slots', () => {
  it('a BOOKING snapshot persisted before offers could load (no slots.loading) hydrates and books', () => {
    const original = paidLead();
    loaded(original);
    const persisted = JSON.parse(
      JSON.stringify(original.machine.getPersistedSnapshot(original.snapshot)),
    ) as { context: { slots: Record<string, unknown> } };
    delete persisted.context.slots.loading;

    const restored = new LeadDriver();
    restored.now = original.now;
    // Restored the way the runtime does it (src/actors/hydrate.ts).
    const machine: AnyStateMachine = restored.machine;
    restored.snapshot = createActor(machine, {
      snapshot: persisted as never,
    }).getSnapshot() as typeof restored.snapshot;
    expect(restored.status).toBe('BOOKING');
    expect(restored.text('2')).toContainEqual(
      expect.objectContaining({
        type: 'effect.booking.reserve',
        slotStart: testIso('2026-11-23T11:00:00.000Z'),
      }),
    );
  });

  it('an answer arriving during a handover is remembered silently; the next offers leave its slots out', () => {
    const d = paidLead();
    d.text('can I talk to someone');
    expect(d.status).toBe('NEEDS_HUMAN');
    expect(d.context.slots.loading).toBeNull();
    expect(sends(loaded(d, [testIso('2026-11-23T10:00:00.000Z')]))).toEqual([]);
    expect(
      sends(
        d.control({
          type: 'effect.failed',
          outboxId: 'ob_load',
          effectType: 'effect.booking.load_taken',
          reason: 'database unavailable',
        }),
      ),
    ).toEqual([]);
    d.control({ type: 'handover.end' });
    d.text('hello again');
    expect(d.effects).toContainEqual(expect.objectContaining({ type: 'effect.booking.load_taken' }));
    loaded(d);
    expect(d.context.slots.offered.map((s) => s.start)).toEqual([
      testIso('2026-11-23T11:00:00.000Z'),
      testIso('2026-11-23T12:00:00.000Z'),
      testIso('2026-11-23T13:00:00.000Z'),
    ]);
  });

  it('an offer whose time has come can no longer be picked: fresh offers instead', () => {
    const d = paidLead();
    loaded(d);
    d.advance(90 * MINUTE);
    const effects = d.text('1');
    expect(effects.some((e) => e.type === 'effect.booking.reserve')).toBe(false);
    expect(d.context.slots.offered.map((s) => s.start)).toEqual([
      testIso('2026-11-23T11:00:00.000Z'),
      testIso('2026-11-23T12:00:00.000Z'),
      testIso('2026-11-23T13:00:00.000Z'),
    ]);
  });

  it('slots known taken are kept only while they lie ahead', () => {
    const d = paidLead();
    loaded(d, [testIso('2026-11-23T10:00:00.000Z'), testIso('2026-12-01T10:00:00.000Z')]);
    d.advance(2 * HOUR);
    d.control({
      type: 'booking.slot_unavailable',
      outboxId: 'ob_r',
      slotStart: testIso('2026-11-23T12:00:00.000Z'),
      takenSlots: [testIso('2026-11-23T12:00:00.000Z')],
    });
    expect(d.context.slots.taken).toEqual([
      testIso('2026-11-23T12:00:00.000Z'),
      testIso('2026-12-01T10:00:00.000Z'),
    ]);
  });
});
