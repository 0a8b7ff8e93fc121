// Persisted lead snapshots written by earlier machine versions (tests/machines/fixtures: real snapshots,
// written by the lead machine of version 1, at b3df963^, and of version 2, before the chart took the
// conversation) hydrate through the migrations into today's machine at the equivalent state, and the
// conversation carries on as it would have.
import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { hydrate } from '../../src/actors/hydrate.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import type { LeadMachine } from '../../src/machines/lead/lead-machine.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import v1 from './fixtures/lead-snapshots-v1.json' with { type: 'json' };
import v2 from './fixtures/lead-snapshots-v2.json' with { type: 'json' };
import { LeadDriver } from './lead-driver.ts';

const definition = createLeadDefinition(new StudioRegistry(demoStudioConfig));
const HOUR = 3_600_000;
/** The fixtures' conversations started at this time (Monday 23 November 2026, 09:00 UTC). */
const STARTED = Date.parse('2026-11-23T09:00:00.000Z');

type FixtureName = keyof typeof v2.snapshots;

function hydrated(fixtures: typeof v1 | typeof v2, name: FixtureName, hoursAfterStart: number): LeadDriver {
  const envelope: Envelope = {
    id: 'whatsapp:wamid.next',
    leadId: 'ld_fixture',
    actorType: 'lead',
    studioId: 'inkwell',
    acceptedAt: new Date(STARTED).toISOString(),
    event: { type: 'handover.end', at: new Date(STARTED).toISOString() },
  };
  const row = {
    snapshot: fixtures.snapshots[name],
    machineVersion: fixtures.machineVersion,
    answers: {},
    status: 'QUALIFYING',
    step: null,
  };
  const { snapshot, events } = hydrate(definition, 'ld_fixture', row, envelope);
  // Migrated, never rebuilt (a rebuild would lose timers, pending content and the deposit session).
  expect(events.map((e) => e.type)).toEqual(
    fixtures.machineVersion === definition.machineVersion ? [] : ['runtime.snapshot_migrated'],
  );
  // Every field of today's context is there (no optional fields since version 4).
  expect(Object.keys(snapshot.context as object).sort()).toEqual(
    Object.keys(new LeadDriver().context).sort(),
  );
  const driver = new LeadDriver();
  driver.snapshot = snapshot as SnapshotFrom<LeadMachine>;
  driver.now = STARTED + hoursAfterStart * HOUR;
  return driver;
}

const outbound = (d: LeadDriver): string[] =>
  d.take().flatMap(([direction, text]) => (direction === 'in' ? [] : [`${direction}: ${text}`]));

describe.each([
  ['version 1', v1],
  ['version 2', v2],
])('lead snapshots of %s hydrate into today’s machine', (_version, fixtures) => {
  it('mid-questions: the next answer is taken and the next question asked', () => {
    const d = hydrated(fixtures, 'qualifying', 1);
    expect(d.status).toBe('QUALIFYING');
    d.text('10x15cm');
    expect(d.status).toBe('QUALIFYING');
    expect(d.context.answers.dimensions).toEqual({ widthCm: 10, heightCm: 15 });
    expect(outbound(d)).toEqual([
      'out: Which style? (realism, blackwork, fine line)\n[choices: realism | blackwork | fine line]',
    ]);
  });

  it('handed over at a question: the cooldown hands back, the next message resumes the question', () => {
    const d = hydrated(fixtures, 'handoverFromQualifying', 1);
    expect(d.status).toBe('NEEDS_HUMAN');
    d.wait(6 * HOUR);
    expect(d.status).toBe('QUALIFYING');
    d.text('hello?');
    expect(d.status).toBe('QUALIFYING');
    expect(outbound(d)).toEqual([
      'out: Thanks! Picking up where we left off.\n\nWhere on your body would it go?',
    ]);
    d.text('left forearm');
    expect(d.context.answers.placement).toBe('left forearm');
  });

  it('handed over during the review: handover.end returns to it and the approval asks for the deposit', () => {
    const d = hydrated(fixtures, 'handoverFromPendingApproval', 1);
    expect(d.status).toBe('NEEDS_HUMAN');
    d.control({ type: 'handover.end' });
    expect(d.status).toBe('PENDING_APPROVAL');
    d.control({ type: 'artist.approve' });
    expect(d.status).toBe('AWAITING_DEPOSIT');
    expect(d.effects.map((e) => e.type)).toContain('effect.deposit.create_checkout');
  });

  it('stale at a question: the lead is welcomed back to it', () => {
    const d = hydrated(fixtures, 'staleFromQualifying', 6 * 24);
    expect(d.status).toBe('STALE');
    d.text('sorry, still here');
    expect(d.status).toBe('QUALIFYING');
    expect(outbound(d)).toEqual(['out: Welcome back!\n\nRoughly how big? For example 10x15cm.']);
    expect(d.context.timers.reminder).toBeDefined();
  });

  it('stale at the slot choice: the lead is welcomed back to booking', () => {
    const d = hydrated(fixtures, 'staleFromBooking', 6 * 24);
    expect(d.status).toBe('STALE');
    d.text('back again');
    expect(d.status).toBe('BOOKING');
    // Offers wait for the slots other leads booked; then they go out, with the welcome.
    expect(d.effects.map((e) => e.type)).toContain('effect.booking.load_taken');
    d.control({ type: 'booking.taken_slots', outboxId: 'ob_taken', takenSlots: [] });
    expect(d.status).toBe('BOOKING');
    const [offers] = outbound(d);
    expect(offers).toMatch(/^out: Welcome back!/);
    expect(d.context.slots.offered.length).toBeGreaterThan(0);
  });

  it('opted out with the deposit link open: START returns to it with the link', () => {
    const d = hydrated(fixtures, 'optedOutAwaitingDeposit', 2);
    expect(d.status).toBe('OPTED_OUT');
    d.text('START');
    expect(d.status).toBe('AWAITING_DEPOSIT');
    expect(outbound(d).join('\n')).toContain('https://checkout.stripe.test/cs_1');
    expect(d.context.timers.deposit_expiry).toBe('2026-11-24T09:00:00.000Z');
  });
});
