// Coverage from the graph: every status (state) of the lead machine is reachable. `getShortestPaths`
// (xstate/graph) explores the machine with context-aware events; each status's shortest path becomes a
// test that replays it with the pure `transition()` and checks where it ends.
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { LeadEvent } from '../../src/domain/lead-events.ts';
import type { TimerKey } from '../../src/domain/lead-events.ts';
import { leadStatuses, statusOf } from '../../src/machines/lead/lead-status.ts';
import type { LeadMachine } from '../../src/machines/lead/lead-machine.ts';
import { LEAD_PHONE, LeadDriver } from './lead-driver.ts';
import { testIso } from '../helpers/test-clock.ts';

const AT = testIso('2026-11-23T09:00:00.000Z');
const ANSWERS = ['A fox on a branch', 'left forearm', '10x15cm', 'realism', 'none', '£300'];
const input = { studioId: 'inkwell', phone: LEAD_PHONE, name: null };
const machine = new LeadDriver().machine;

function message(text: string): LeadEvent {
  return {
    type: 'message.received',
    channel: 'whatsapp',
    provider: 'meta',
    at: AT,
    messageId: `wamid.${text}`,
    from: [{ type: 'phone', value: LEAD_PHONE }],
    sentAt: AT,
    content: { kind: 'text', text },
  };
}

/** The events worth trying from a snapshot: an answer to the current question, intents, controls, results. */
function eventsFrom(snapshot: SnapshotFrom<LeadMachine>): LeadEvent[] {
  const { context } = snapshot;
  const session = context.deposit.sessionId;
  const slot = context.slots.chosen ?? context.slots.offered[0];
  const events: LeadEvent[] = [
    message(ANSWERS[context.step] ?? 'hi'),
    message('STOP'),
    message('START'),
    message('human'),
    message('1'),
    { type: 'artist.approve', at: AT },
    { type: 'artist.reject', at: AT },
    { type: 'handover.end', at: AT },
    ...(Object.entries(context.timers) as [TimerKey, string][]).map(([key, dueAt]): LeadEvent => ({
      type: 'timer.fired',
      at: dueAt,
      key,
      timerId: `t-${key}`,
    })),
  ];
  if (statusOf(snapshot.value) === 'AWAITING_DEPOSIT' && session === null) {
    const expiresAt = context.deposit.expiresAt ?? AT;
    events.push({
      type: 'deposit.checkout_created',
      at: AT,
      outboxId: 'ob1',
      sessionId: 'cs_1',
      url: 'https://pay/cs_1',
      expiresAt,
    });
  }
  if (session !== null) {
    events.push({
      type: 'stripe.checkout.completed',
      at: AT,
      eventId: 'evt_1',
      sessionId: session,
      paymentStatus: 'paid',
      amountTotal: 5000,
      currency: 'gbp',
    });
  }
  const checking = context.deposit.checkingSession ?? null;
  if (checking !== null) {
    // Stripe's answers to the check the expiry started: paid (a lost webhook) or not.
    for (const paymentStatus of ['paid', 'unpaid']) {
      events.push({
        type: 'deposit.session_checked',
        at: AT,
        outboxId: `ob_check_${paymentStatus}`,
        sessionId: checking,
        status: paymentStatus === 'paid' ? 'complete' : 'open',
        paymentStatus,
        amountTotal: 5000,
        currency: 'gbp',
      });
    }
  }
  if ((context.slots.loading ?? null) !== null) {
    events.push({ type: 'booking.taken_slots', at: AT, outboxId: 'ob3', takenSlots: [] });
  }
  if (slot !== undefined && context.slots.chosen !== null) {
    events.push({
      type: 'booking.reserved',
      at: AT,
      outboxId: 'ob2',
      slotStart: slot.start,
      slotEnd: slot.end,
    });
  }
  return events;
}

const paths = getShortestPaths(machine, {
  input,
  events: eventsFrom,
  serializeState: (s) =>
    JSON.stringify([
      s.value,
      s.context.step,
      s.context.deposit.sessionId,
      s.context.deposit.checkingSession,
      s.context.slots.chosen?.start ?? null,
      s.context.slots.loading !== null,
      Object.keys(s.context.timers).sort(),
      s.context.resume,
    ]),
  limit: 5000,
});

describe('every status of the lead machine is reachable', () => {
  for (const status of leadStatuses) {
    const path = paths
      .filter((p) => statusOf(p.state.value) === status)
      .sort((a, b) => a.steps.length - b.steps.length)[0];
    it(`${status} (shortest path replayed with transition())`, () => {
      expect(path, `no path reaches ${status}`).toBeDefined();
      let [snapshot] = initialTransition(machine, input);
      for (const step of path?.steps.slice(1) ?? []) [snapshot] = transition(machine, snapshot, step.event);
      expect(statusOf(snapshot.value)).toBe(status);
    });
  }
});
