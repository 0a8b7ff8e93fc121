// Properties of the lead conversation over random sequences of inbound texts, media, duplicates, late
// messages, timer firings, control events and effect results (fast-check, modest numRuns).
import fc from 'fast-check';
import { createActor, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.ts';
import type { LeadEvent } from '../../src/domain/lead-events.ts';
import { intentOf } from '../../src/machines/lead/interruptions.ts';
import { isAllowedTransition, statusOf, type LeadStatus } from '../../src/machines/lead/lead-status.ts';
import { readAnswer } from '../../src/machines/lead/qualifying.ts';
import { leadSummary } from '../../src/machines/lead/summary.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { LeadDriver, type Step as Transition } from './lead-driver.ts';
import { conversationArb, eventsFor, openLinkArb, optedOutLinkArb, type Step } from './lead-steps.ts';

const RUNS = { numRuns: 50 };
const MINUTE = 60_000;
const studio = demoStudioConfig.studios[0]!;

/** Plays a generated conversation on a fresh driver, calling `check` after every transition. */
function play(
  steps: readonly Step[],
  check?: (t: Transition) => void,
  driver = new LeadDriver(),
): LeadDriver {
  if (check) driver.observers.push(check);
  let previous: LeadEvent | undefined;
  steps.forEach((step, seq) => {
    driver.advance(MINUTE);
    if (step.kind === 'wait') {
      driver.wait(step.hours * 3_600_000);
      return;
    }
    for (const event of eventsFor(step, driver, previous, seq)) {
      driver.send(event);
      previous = event;
    }
  });
  return driver;
}

type Send = Extract<Effect, { type: 'effect.message.send' }>;
const sends = (effects: readonly Effect[]) =>
  effects.filter((e): e is Send => e.type === 'effect.message.send');
const status = (t: Transition['before']): LeadStatus => statusOf(t.value);

describe('lead conversation properties', () => {
  it('one inbound message advances at most one step (and other events never advance)', () => {
    fc.assert(
      fc.property(conversationArb, (steps) => {
        play(steps, ({ before, event, after }) => {
          const restarted = after.context.step === 0 && Object.keys(after.context.answers).length === 0;
          if (restarted) return;
          const limit = event.type === 'message.received' ? 1 : 0;
          expect(after.context.step - before.context.step).toBeLessThanOrEqual(limit);
          expect(after.context.step).toBeGreaterThanOrEqual(before.context.step);
          const answered = (s: typeof before) => Object.keys(s.context.answers).length;
          expect(answered(after) - answered(before)).toBeLessThanOrEqual(limit);
        });
      }),
      RUNS,
    );
  });

  it('nothing is sent after opt-out until START (one confirmation only)', () => {
    fc.assert(
      fc.property(conversationArb, (steps) => {
        play(steps, ({ before, event, after, effects }) => {
          // Telling the artist a checkout failed for good is no message to the lead (and no new work).
          const failureNotice = (e: Effect) =>
            e.type === 'effect.artist.notify' && event.type === 'effect.failed' && e.reason === 'info';
          const outward = effects.filter(
            (e) =>
              e.type === 'effect.message.send' ||
              (e.type === 'effect.artist.notify' && !failureNotice(e)) ||
              e.type.startsWith('effect.deposit') ||
              e.type.startsWith('effect.booking'),
          );
          if (status(before) === 'OPTED_OUT' && intentOf(event) !== 'opt_in') expect(outward).toEqual([]);
          if (status(before) !== 'OPTED_OUT' && status(after) === 'OPTED_OUT')
            expect(outward).toHaveLength(1);
        });
      }),
      RUNS,
    );
  });

  it('no bot prompt during a handover cooldown', () => {
    fc.assert(
      fc.property(conversationArb, (steps) => {
        play(steps, ({ before, event, effects }) => {
          if (status(before) !== 'NEEDS_HUMAN') return;
          // The bot's own reactions: to the lead's messages and to its timers. (Admins may still write, reset
          // or approve; the opt-out confirmation is always sent, rule 9.)
          if (event.type !== 'message.received' && event.type !== 'timer.fired') return;
          if (intentOf(event) === 'opt_out') return;
          expect(sends(effects)).toEqual([]);
        });
      }),
      RUNS,
    );
  });

  it('free-form messages only inside the 24-hour window of the last inbound provider timestamp', () => {
    fc.assert(
      fc.property(conversationArb, (steps) => {
        play(steps, ({ event, after, effects }) => {
          for (const send of sends(effects)) {
            if (send.message.kind === 'template') continue;
            const last = after.context.lastInboundAt;
            expect(last).not.toBeNull();
            expect(Date.parse(event.at) - Date.parse(last ?? '')).toBeLessThan(
              studio.timings.windowHours * 3_600_000,
            );
            expect(after.context.windowClosed).toBe(false);
          }
        });
      }),
      RUNS,
    );
  });

  it('every status change is in the allowed-transition table', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(conversationArb, (steps) => {
        play(steps, ({ before, after }) => {
          expect(
            isAllowedTransition(status(before), status(after)),
            `${status(before)} → ${status(after)}`,
          ).toBe(true);
          seen.add(status(after));
        });
      }),
      RUNS,
    );
    // Sanity check that the generator goes past the first questions (typically 8-10 statuses are seen; the
    // reachability of every status is proven in lead-reachability.test.ts).
    expect(seen.size).toBeGreaterThanOrEqual(6);
  });

  it('the summary holds the latest answers', () => {
    let summaries = 0;
    fc.assert(
      fc.property(conversationArb, (steps) => {
        const latest = new Map<string, unknown>();
        play(steps, ({ before, event, after, effects }) => {
          if (after.context.step === 0 && Object.keys(after.context.answers).length === 0) latest.clear();
          if (event.type === 'message.received' && after.context.step === before.context.step + 1) {
            const question = studio.questions[before.context.step];
            const reading = readAnswer(studio, before.context, event.content);
            if (question && reading.ok) latest.set(question.id, reading.value);
          }
          // Further photos of an album join the accepted reference images.
          const refs = latest.get('reference_images');
          if (
            event.type === 'message.received' &&
            event.content.kind === 'image' &&
            typeof refs === 'object'
          ) {
            const { mediaIds } = refs as { mediaIds: string[] };
            if (after.context.step === before.context.step && after.context.step > 0) {
              const added = after.context.answers.reference_images;
              if (typeof added === 'object' && added.mediaIds.length === mediaIds.length + 1) {
                expect(added.mediaIds).toEqual([...mediaIds, event.content.mediaId]);
                latest.set('reference_images', added);
              }
            }
          }
          if (status(before) === 'QUALIFYING' && status(after) === 'PENDING_APPROVAL') {
            summaries += 1;
            expect(after.context.answers).toEqual(Object.fromEntries(latest));
            const texts = sends(effects).map((e) => (e.message.kind === 'text' ? e.message.text : ''));
            const pending = after.context.pending.map((m) => (m.kind === 'text' ? m.text : ''));
            expect([...texts, ...pending]).toContain(leadSummary(studio, Object.fromEntries(latest)));
          }
        });
      }),
      RUNS,
    );
    expect(summaries).toBeGreaterThan(0);
  });

  it('a deposit completes only with the matching session id, paid by webhook or check (or an admin mark_paid)', () => {
    fc.assert(
      fc.property(conversationArb, (steps) => {
        play(steps, ({ before, event, after }) => {
          const paidFrom = ['AWAITING_DEPOSIT', 'DEPOSIT_EXPIRED'];
          if (!paidFrom.includes(status(before)) || status(after) !== 'BOOKING') return;
          if (event.type === 'deposit.mark_paid') return;
          expect(['stripe.checkout.completed', 'deposit.session_checked']).toContain(event.type);
          if (event.type === 'stripe.checkout.completed' || event.type === 'deposit.session_checked') {
            expect(event.sessionId).toBe(before.context.deposit.sessionId);
            expect(event.paymentStatus).toBe('paid');
          }
        });
      }),
      RUNS,
    );
  });

  it('a checkout session pays once: webhooks, redeliveries and checks after the payment change nothing', () => {
    let paid = 0;
    fc.assert(
      fc.property(fc.oneof(conversationArb, openLinkArb, optedOutLinkArb), (steps) => {
        const paidSessions = new Set<string>();
        play(steps, ({ before, event, after, effects }) => {
          // A payment moves the lead on to slot booking (or, opted out, to slot booking on START).
          const pays = before.context.resumeTo !== 'BOOKING' && after.context.resumeTo === 'BOOKING';
          if (!pays || !('sessionId' in event)) return;
          paid += 1;
          expect(paidSessions.has(event.sessionId), `${event.sessionId} paid twice`).toBe(false);
          paidSessions.add(event.sessionId);
          expect(effects.filter((e) => e.type === 'effect.booking.load_taken').length).toBeLessThanOrEqual(1);
        });
      }),
      RUNS,
    );
    expect(paid).toBeGreaterThan(0);
  });

  it('neither the expiry timer nor START expires a deposit link on its recorded time: Stripe is asked about the session first', () => {
    let asked = 0;
    let askedOnStart = 0;
    fc.assert(
      fc.property(fc.oneof(conversationArb, openLinkArb, optedOutLinkArb), (steps) => {
        play(steps, ({ before, event, after, effects }) => {
          const { sessionId } = before.context.deposit;
          // START after the link ran out while opted out: only Stripe's expiry webhook, remembered meanwhile
          // (the link forgotten), expires it at once; otherwise Stripe is asked, as at the timer.
          const awayFromLink =
            status(before) === 'OPTED_OUT' &&
            before.context.resumeTo === 'AWAITING_DEPOSIT' &&
            (before.context.decidedWhileOptedOut ?? null) === null;
          if (awayFromLink && status(after) === 'DEPOSIT_EXPIRED')
            expect(before.context.deposit.url).toBeNull();
          const { url, expiresAt } = before.context.deposit;
          const ranOut = expiresAt !== null && Date.parse(expiresAt) <= Date.parse(event.at);
          if (awayFromLink && intentOf(event) === 'opt_in' && sessionId !== null && url !== null && ranOut) {
            askedOnStart += 1;
            expect(status(after)).toBe('AWAITING_DEPOSIT');
            expect(effects.filter((e) => e.type === 'effect.deposit.check_session')).toEqual([
              { type: 'effect.deposit.check_session', studioId: studio.id, sessionId },
            ]);
            const texts = sends(effects).map((e) => (e.message.kind === 'text' ? e.message.text : ''));
            expect(texts.some((t) => t.includes(url) || t.includes('expired'))).toBe(false);
          }
          if (status(before) !== 'AWAITING_DEPOSIT' || sessionId === null) return;
          if (event.type === 'timer.fired' && event.key === 'deposit_expiry') {
            asked += 1;
            expect(status(after)).toBe('AWAITING_DEPOSIT');
            expect(effects.filter((e) => e.type === 'effect.deposit.check_session')).toEqual([
              { type: 'effect.deposit.check_session', studioId: studio.id, sessionId },
            ]);
            expect(sends(effects)).toEqual([]);
          }
          if (status(after) !== 'DEPOSIT_EXPIRED') return;
          // Expired only on Stripe's word: its expiry webhook, its answer "not paid", or no answer at all.
          if (event.type === 'deposit.session_checked') expect(event.paymentStatus).not.toBe('paid');
          else if (event.type === 'effect.failed')
            expect(event.effectType).toBe('effect.deposit.check_session');
          else expect(event.type).toBe('stripe.checkout.expired');
        });
      }),
      { numRuns: 100 },
    );
    expect(asked).toBeGreaterThan(0);
    expect(askedOnStart).toBeGreaterThan(0);
  });

  it('while a deposit link is open its expiry is armed, at the checkout expiry (or at once if past), or Stripe is being asked', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.oneof(conversationArb, optedOutLinkArb), (steps) => {
        play(steps, ({ event, after }) => {
          const { sessionId, expiresAt } = after.context.deposit;
          if (status(after) !== 'AWAITING_DEPOSIT' || sessionId === null || expiresAt === null) return;
          checked += 1;
          // The expiry fired and the check it asked for is under way: the answer decides, not a timer.
          if (after.context.deposit.checkingSession === sessionId) return;
          const armed = after.context.timers.deposit_expiry;
          expect(armed, `no deposit_expiry after ${event.type}`).toBeDefined();
          if (Date.parse(expiresAt) > Date.parse(event.at)) expect(armed).toBe(expiresAt);
          else expect(Date.parse(armed ?? '')).toBeLessThanOrEqual(Date.parse(event.at));
        });
      }),
      RUNS,
    );
    expect(checked).toBeGreaterThan(0);
  });

  it('offers never include a slot the lead was told another lead booked', () => {
    let checked = 0;
    fc.assert(
      fc.property(conversationArb, (steps) => {
        const known = new Set<string>();
        play(steps, ({ before, event, after }) => {
          // Opted-out leads ignore every result (rule 9); elsewhere a load or a lost slot is learned.
          if (status(before) !== 'OPTED_OUT') {
            if (event.type === 'booking.taken_slots') event.takenSlots.forEach((t) => known.add(t));
            if (event.type === 'booking.slot_unavailable') {
              [...event.takenSlots, event.slotStart].forEach((t) => known.add(t));
            }
          }
          const { offered } = after.context.slots;
          if (offered === before.context.slots.offered || offered.length === 0) return;
          checked += 1;
          for (const slot of offered) expect(known.has(slot.start), slot.start).toBe(false);
        });
      }),
      RUNS,
    );
    expect(checked).toBeGreaterThan(0);
  });

  it('offers on entering BOOKING wait for the booked slots (loaded, or the load failed)', () => {
    let entered = 0;
    fc.assert(
      fc.property(conversationArb, (steps) => {
        play(steps, ({ before, after, effects }) => {
          if (status(before) === 'BOOKING' || status(after) !== 'BOOKING') return;
          entered += 1;
          expect(after.context.slots.offered).toEqual(before.context.slots.offered);
          const loads = effects.filter((e) => e.type === 'effect.booking.load_taken');
          const loading = after.context.slots.loading ?? null;
          // Back from a handover the offers come with the next message; otherwise a load is under way.
          if (loading !== null) expect(loads).toHaveLength(1);
          else expect(after.context.resume || status(before) === 'STALE').toBe(true);
        });
      }),
      RUNS,
    );
    expect(entered).toBeGreaterThan(0);
  });

  it('snapshots round-trip through JSON at any point and continue identically', () => {
    fc.assert(
      fc.property(conversationArb, conversationArb, (head, tail) => {
        const original = play(head);
        const restored = new LeadDriver();
        restored.now = original.now;
        // What the lead was sent is the driver's memory (a "tap" picks from the latest choices sent), not
        // the machine's: the restored driver gets it too, or a tap after a restore taps something else.
        restored.allEffects.push(...original.allEffects);
        const persisted = JSON.parse(
          JSON.stringify(original.machine.getPersistedSnapshot(original.snapshot)),
        ) as unknown;
        // Restored the way the runtime does it (src/actors/hydrate.ts).
        const machine: AnyStateMachine = restored.machine;
        restored.snapshot = createActor(machine, {
          snapshot: persisted as never,
        }).getSnapshot() as typeof restored.snapshot;
        const a = play(tail, undefined, original);
        const b = play(tail, undefined, restored);
        expect(b.snapshot.value).toEqual(a.snapshot.value);
        expect(b.snapshot.context).toEqual(a.snapshot.context);
        expect(b.allEffects).toEqual(a.allEffects.slice(a.allEffects.length - b.allEffects.length));
      }),
      { numRuns: 25 },
    );
  });
});
