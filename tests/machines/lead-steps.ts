// Random conversations for property tests: steps are data (fast-check arbitraries) interpreted against the
// lead's current state, so a valid answer, a checkout for the current request or a reservation of the
// chosen slot can be generated as easily as noise, duplicates, late messages and timer firings.
import fc from 'fast-check';
import type { InboundContent, LeadEvent } from '../../src/domain/lead-events.ts';
import type { QuestionId } from '../../src/studio/studio-schema.ts';
import { HOUR, LEAD_PHONE, type LeadDriver } from './lead-driver.ts';
import { testIso } from '../helpers/test-clock.ts';

const VALID: Record<QuestionId, readonly string[]> = {
  idea: ['A dragon on my back', 'a small fox', 'my dog portrait'],
  placement: ['left forearm', 'calf', 'behind the ear'],
  dimensions: ['10x15cm', '10 x 15 cm', '4x6in', '100x150mm'],
  style: ['realism', 'blackwork', 'fine line', 'Realism please'],
  reference_images: ['none', "my grandad's pocket watch", 'no'],
  budget: ['£300', '300 GBP', '$250-400', 'around 500 euros'],
};

const NOISE = [
  'hi',
  '?',
  'no idea',
  'hmm',
  '10x15cm, realism, £300',
  'forearm, realism',
  'STOP',
  'unsubscribe',
  'START',
  'human',
  'can I talk to someone',
  'restart',
  'start over',
  '1',
  '2',
  '7',
  'ok thanks',
];

/** The demo studio's first slots after the driver's start (Mon 23 Nov 2026, 10:00 and 11:00 London). */
export const FIRST_SLOTS_FROM_START = [
  testIso('2026-11-23T10:00:00.000Z'),
  testIso('2026-11-23T11:00:00.000Z'),
];

export type Step =
  | { kind: 'answer'; pick: number }
  | { kind: 'text'; text: string }
  | { kind: 'late'; text: string; hours: number }
  | { kind: 'image' }
  | { kind: 'wait'; hours: number }
  | { kind: 'duplicate' }
  | {
      kind: 'control';
      type:
        | 'artist.approve'
        | 'artist.reject'
        | 'lead.reset'
        | 'handover.start'
        | 'handover.end'
        | 'message.send'
        | 'deposit.mark_paid';
    }
  | { kind: 'checkout' }
  | { kind: 'stripe'; current: boolean; expired: boolean }
  /** Stripe's answer to a session check (`deposit.session_checked`), for the current session or another. */
  | { kind: 'checked'; current: boolean; paid: boolean }
  | { kind: 'checkFailed' }
  | { kind: 'taken'; otherLeads: boolean }
  | { kind: 'loadFailed' }
  | { kind: 'checkoutFailed' }
  | { kind: 'tap'; pick: number }
  | { kind: 'reserved' }
  | { kind: 'unavailable' }
  | { kind: 'sendFailed' }
  | { kind: 'delivery' };

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 14, arbitrary: fc.record({ kind: fc.constant('answer' as const), pick: fc.nat(10) }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.constantFrom(...NOISE) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('late' as const),
      text: fc.constantFrom(...NOISE),
      hours: fc.integer({ min: 1, max: 48 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'image' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 90 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('control' as const),
      type: fc.constantFrom(
        'artist.approve',
        'artist.reject',
        'lead.reset',
        'handover.start',
        'handover.end',
        'message.send',
        'deposit.mark_paid',
      ),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'checkout' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('stripe' as const),
      current: fc.boolean(),
      expired: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('checked' as const),
      current: fc.boolean(),
      paid: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkFailed' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('taken' as const), otherLeads: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'loadFailed' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkoutFailed' as const }) },
  // A tap on the choices of the latest interactive message (style buttons, slot offers), even an old one.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tap' as const), pick: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reserved' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unavailable' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sendFailed' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delivery' as const }) },
);

/** The happy path as steps: a random prefix of it takes generated conversations deep into the flow. */
const HAPPY: Step[] = [
  ...Array.from({ length: 7 }, (): Step => ({ kind: 'answer', pick: 0 })),
  { kind: 'control', type: 'artist.approve' },
  { kind: 'checkout' },
  { kind: 'stripe', current: true, expired: false },
  { kind: 'taken', otherLeads: true },
  { kind: 'text', text: '1' },
  { kind: 'reserved' },
];

export const conversationArb: fc.Arbitrary<Step[]> = fc
  .tuple(
    // Whole, up to the approval, or up to an open deposit link (its expiry and Stripe's answers follow).
    fc.oneof(fc.nat(HAPPY.length), fc.constant(HAPPY.length), fc.constant(7), fc.constant(9)),
    fc.array(stepArb, { minLength: 1, maxLength: 40 }),
  )
  .map(([n, rest]) => [...HAPPY.slice(0, n), ...rest]);

/**
 * From an open deposit link with time passing often: its expiry falls due, and Stripe's answers, webhooks,
 * messages, handovers and opt-outs race the check it starts.
 */
export const openLinkArb: fc.Arbitrary<Step[]> = fc
  .array(
    fc.oneof(
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 6, max: 30 }) }),
      },
      { weight: 4, arbitrary: stepArb },
    ),
    { minLength: 1, maxLength: 30 },
  )
  .map((rest) => [...HAPPY.slice(0, 9), ...rest]);

/**
 * From an open deposit link, STOP and START again, its expiry often passed meanwhile (the opt-out cancelled
 * its timer), then anything: Stripe's answers, webhooks, STOP again… race the check START starts.
 */
export const optedOutLinkArb: fc.Arbitrary<Step[]> = fc
  .tuple(fc.integer({ min: 1, max: 36 }), fc.array(stepArb, { maxLength: 20 }))
  .map(([hours, rest]): Step[] => [
    ...HAPPY.slice(0, 9),
    { kind: 'text', text: 'STOP' },
    { kind: 'wait', hours },
    { kind: 'text', text: 'START' },
    ...rest,
  ]);

/** The events of one step (a `wait` may fire several timers; most steps give one event). */
export function eventsFor(
  step: Step,
  d: LeadDriver,
  previous: LeadEvent | undefined,
  seq: number,
): LeadEvent[] {
  const at = d.at;
  const inbound = (content: InboundContent, sentAt = at): LeadEvent => ({
    type: 'message.received',
    channel: 'whatsapp',
    provider: 'meta',
    at,
    messageId: `wamid.p${seq}`,
    from: [{ type: 'phone', value: LEAD_PHONE }],
    profileName: 'Sam',
    sentAt,
    content,
  });
  const message = (text: string, sentAt = at): LeadEvent => inbound({ kind: 'text', text }, sentAt);
  /** The relay gave up on an effect (its retries exhausted). */
  const failed = (effectType: string, reason: string): LeadEvent => ({
    type: 'effect.failed',
    at,
    outboxId: `ob-${seq}`,
    effectType,
    reason,
  });
  const sessionId = `cs_${seq}`;
  const slot = d.context.slots.chosen ?? d.context.slots.offered[0] ?? { start: at, end: at };
  switch (step.kind) {
    case 'answer': {
      const question = questionAt(d);
      const pool = question === undefined ? NOISE : VALID[question];
      return [message(pool[step.pick % pool.length] ?? 'hi')];
    }
    case 'text':
      return [message(step.text)];
    case 'late':
      return [message(step.text, new Date(d.now - step.hours * HOUR).toISOString())];
    case 'image':
      return [
        {
          type: 'message.received',
          channel: 'whatsapp',
          provider: 'meta',
          at,
          messageId: `wamid.p${seq}`,
          from: [{ type: 'phone', value: LEAD_PHONE }],
          sentAt: at,
          content: { kind: 'image', mediaId: `media-${seq}`, mimeType: 'image/jpeg' },
        },
      ];
    case 'wait':
      return [];
    case 'duplicate':
      return previous === undefined ? [] : [previous];
    case 'control':
      return [
        step.type === 'message.send'
          ? { type: 'message.send', at, text: 'A note from the studio' }
          : { type: step.type, at },
      ];
    case 'checkout':
      return [
        {
          type: 'deposit.checkout_created',
          at,
          outboxId: `ob-${seq}`,
          sessionId,
          url: `https://pay.test/${sessionId}`,
          expiresAt: new Date(d.now + 24 * HOUR).toISOString(),
        },
      ];
    case 'stripe': {
      const id = step.current ? (d.context.deposit.sessionId ?? 'cs_none') : `cs_other_${seq}`;
      return [
        step.expired
          ? { type: 'stripe.checkout.expired', at, eventId: `evt_${seq}`, sessionId: id }
          : {
              type: 'stripe.checkout.completed',
              at,
              eventId: `evt_${seq}`,
              sessionId: id,
              paymentStatus: 'paid',
              amountTotal: 5000,
              currency: 'gbp',
            },
      ];
    }
    case 'checked': {
      const id = step.current ? (d.context.deposit.sessionId ?? 'cs_none') : `cs_other_${seq}`;
      return [
        {
          type: 'deposit.session_checked',
          at,
          outboxId: `ob-${seq}`,
          sessionId: id,
          status: step.paid ? 'complete' : 'open',
          paymentStatus: step.paid ? 'paid' : 'unpaid',
          amountTotal: 5000,
          currency: 'gbp',
        },
      ];
    }
    case 'checkFailed':
      return [failed('effect.deposit.check_session', 'Stripe unavailable')];
    case 'taken':
      // The relay's answer to a load: sometimes the slots the machine would offer first are booked.
      return [
        {
          type: 'booking.taken_slots',
          at,
          outboxId: `ob-${seq}`,
          takenSlots: step.otherLeads ? FIRST_SLOTS_FROM_START : [],
        },
      ];
    case 'tap': {
      const choices = latestChoices(d);
      const choice = choices[step.pick % Math.max(1, choices.length)] ?? {
        id: 'style:realism',
        title: 'realism',
      };
      return [inbound({ kind: 'interactive', ...choice })];
    }
    case 'checkoutFailed':
      return [failed('effect.deposit.create_checkout', 'Stripe unavailable')];
    case 'loadFailed':
      return [failed('effect.booking.load_taken', 'database unavailable')];
    case 'reserved':
      return [
        { type: 'booking.reserved', at, outboxId: `ob-${seq}`, slotStart: slot.start, slotEnd: slot.end },
      ];
    case 'unavailable':
      return [
        {
          type: 'booking.slot_unavailable',
          at,
          outboxId: `ob-${seq}`,
          slotStart: slot.start,
          takenSlots: [slot.start],
        },
      ];
    case 'sendFailed':
      return [
        {
          type: 'message.send_failed',
          channel: 'whatsapp',
          recipientOptedOut: false,
          at,
          outboxId: `ob-${seq}`,
          code: 131047,
          reason: 'window',
          outsideWindow: true,
        },
      ];
    case 'delivery':
      return [
        {
          type: 'message.status',
          channel: 'whatsapp',
          provider: 'meta',
          at,
          messageId: `wamid.out${seq}`,
          status: 'delivered',
          sentAt: at,
        },
      ];
  }
}

/** The options of the latest interactive message sent to the lead (none yet: empty). */
function latestChoices(d: LeadDriver): { id: string; title: string }[] {
  for (const effect of [...d.allEffects].reverse()) {
    if (effect.type === 'effect.message.send' && effect.message.kind === 'interactive')
      return effect.message.options;
  }
  return [];
}

function questionAt(d: LeadDriver): QuestionId | undefined {
  const ids: QuestionId[] = ['idea', 'placement', 'dimensions', 'style', 'reference_images', 'budget'];
  return ids[d.context.step];
}
