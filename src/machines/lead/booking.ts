// BOOKING (docs/contract.md §5 rule 12): numbered slot offers computed from the studio's availability, leaving out
// the slots other leads have booked (loaded through the outbox first); a choice reserves through the
// outbox; a slot taken meanwhile gives fresh offers.
import { assertEvent } from 'xstate';
import type { OutboundMessage } from '../../domain/effects.ts';
import { parseSlotChoice } from '../parsers/index.ts';
import type { Slot } from './lead-context.ts';
import { inboundText } from './questions.ts';
import { computeSlotOffers, HORIZON_DAYS, slotLabel } from './slot-offers.ts';
import { addMs, text, type TemplateKind, type Turn } from './turn.ts';
import type { LeadMachineEvent } from './machine-events.ts';

const TITLE_MAX = 24;
const DAY_MS = 86_400_000;

const CHECKING_TEXT = "One moment, I'm checking which times are still free.";

function offersMessage(turn: Turn, lead: string): OutboundMessage {
  const { offered } = turn.context.slots;
  const tz = turn.studio.timezone;
  const lines = offered.map((slot, i) => `${i + 1}. ${slotLabel(slot, tz)}`);
  return {
    kind: 'interactive',
    body: [`${lead}Please choose a time:`, ...lines, 'Reply with the number.'].join('\n'),
    options: offered.map((slot, i) => ({
      id: `slot:${slot.start}`,
      title: `${i + 1}. ${slotLabel(slot, tz)}`.slice(0, TITLE_MAX),
    })),
  };
}

/** Computes fresh offers from `at`, excluding known-taken slots, and sends them now. */
export function offerSlots(turn: Turn, lead = '', template: TemplateKind = 'resume'): void {
  const offered = computeSlotOffers(turn.studio, turn.at, turn.context.slots.taken);
  turn.update({ slots: { ...turn.context.slots, offered, chosen: null, loading: null } });
  if (offered.length === 0) {
    turn.sayText(`${lead}We'll be in touch shortly to arrange a time.`);
    turn.notifyArtist('info', `${turn.context.name ?? 'A lead'} has paid but no free slots were found.`);
    return;
  }
  turn.say([offersMessage(turn, lead)], template);
}

/**
 * Offers after a gap (the deposit paid, the lead back in BOOKING, the reminder): other leads may have
 * booked meanwhile, and the machine only knows the bookings it was told about. So the studio's booked slots
 * are loaded first (`effect.booking.load_taken`, answered by `booking.taken_slots`) and the offers follow
 * with this lead-in. A new request supersedes a choice still being confirmed, as fresh offers always did.
 */
export function requestOffers(turn: Turn, lead = '', template: TemplateKind = 'resume'): void {
  turn.update({ slots: { ...turn.context.slots, chosen: null, loading: { lead, template } } });
  turn.emit({
    type: 'effect.booking.load_taken',
    studioId: turn.studio.id,
    from: turn.at,
    // The offers look HORIZON_DAYS ahead from the studio's today: one more day covers its time zone.
    until: addMs(turn.at, (HORIZON_DAYS + 1) * DAY_MS),
  });
}

function isLoadingOffers(turn: Turn): boolean {
  return turn.context.slots.loading !== null;
}

/** Slot starts known taken: the new ones added, the past ones dropped (the snapshot stays small). */
function rememberTaken(turn: Turn, takenSlots: readonly string[]): void {
  const now = Date.parse(turn.at);
  const taken = [...new Set([...turn.context.slots.taken, ...takenSlots])]
    .filter((start) => Date.parse(start) > now)
    .sort();
  turn.update({ slots: { ...turn.context.slots, taken } });
}

/** The waiting offers go out, unless the lead picked from the offers they already had meanwhile. */
function sendWaitingOffers(turn: Turn): void {
  const loading = turn.context.slots.loading;
  if (loading === null) return;
  turn.update({ slots: { ...turn.context.slots, loading: null } });
  if (turn.context.slots.chosen === null) offerSlots(turn, loading.lead, loading.template);
}

/**
 * `booking.taken_slots`: remembered in any status (a late answer, e.g. during a handover, is knowledge
 * too); in BOOKING the waiting offers are sent without them.
 */
export function takenSlotsLoaded(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'booking.taken_slots');
  rememberTaken(turn, event.takenSlots);
  sendWaitingOffers(turn);
}

/**
 * The load failed for good: the offers still go out, without the bookings it would have found (the
 * reservation remains the authority: a slot taken meanwhile gets fresh offers, rule 12).
 */
export function offersLoadFailed(turn: Turn): void {
  sendWaitingOffers(turn);
}

/** Leaving BOOKING: no offers wait any more (coming back requests them again). */
export function stopLoadingOffers(turn: Turn): void {
  if (!isLoadingOffers(turn)) return;
  turn.update({ slots: { ...turn.context.slots, loading: null } });
}

/**
 * The offer the lead picked: a button reply (`slot:<start>`) or a number in text. An offer whose time has
 * come is no longer a choice (old offers stay on the lead's screen; e.g. picked while new ones load).
 */
export function chosenSlot(turn: Turn, event: LeadMachineEvent): Slot | null {
  if (event.type !== 'message.received') return null;
  const { offered } = turn.context.slots;
  const content = event.content;
  let picked: Slot | null = null;
  if (content.kind === 'interactive' || content.kind === 'button') {
    picked = offered.find((slot) => `slot:${slot.start}` === content.id) ?? null;
  }
  const words = inboundText(content);
  const index = picked !== null || words === null ? null : parseSlotChoice(words, offered.length);
  if (index !== null) picked = offered[index - 1] ?? null;
  return picked !== null && Date.parse(picked.start) > Date.parse(turn.at) ? picked : null;
}

/**
 * A message in BOOKING. While offers are loading, a pick from the offers the lead was last sent still
 * counts (the reservation decides whether it is free); anything else gets a short holding reply.
 */
export function bookingMessage(turn: Turn, event: LeadMachineEvent): void {
  if (turn.context.slots.chosen !== null) {
    turn.sayText("We're confirming your time; you'll hear from us in a moment.");
    return;
  }
  const slot = chosenSlot(turn, event);
  if (slot === null && isLoadingOffers(turn)) {
    // Fresh offers are on their way (they follow this reply): no second set.
    turn.sayText(CHECKING_TEXT);
    return;
  }
  if (slot === null) {
    offerSlots(turn, "Sorry, I didn't catch which time you'd like.\n");
    return;
  }
  turn.update({ slots: { ...turn.context.slots, chosen: slot } });
  turn.emit({
    type: 'effect.booking.reserve',
    studioId: turn.studio.id,
    slotStart: slot.start,
    slotEnd: slot.end,
  });
}

export function bookedText(turn: Turn): string[] {
  const { booked } = turn.context.slots;
  if (booked === null) return [];
  return [
    `You're booked for ${slotLabel(booked, turn.studio.timezone)} at ${turn.studio.name}. See you then!`,
  ];
}

export function slotReserved(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'booking.reserved');
  const booked = { start: event.slotStart, end: event.slotEnd };
  turn.update({ slots: { ...turn.context.slots, chosen: null, booked } });
  turn.say(bookedText(turn).map(text));
  turn.notifyArtist(
    'booked',
    `${turn.context.name ?? 'A lead'} (${turn.context.phone ?? 'unknown number'}) booked ${slotLabel(booked, turn.studio.timezone)}.`,
  );
}

export function slotUnavailable(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'booking.slot_unavailable');
  turn.systemEvent('warn', 'slot.unavailable_after_selection', { slotStart: event.slotStart });
  // The reservation's answer is as fresh as a load: the offers go out now, without loading again.
  rememberTaken(turn, [...event.takenSlots, event.slotStart]);
  offerSlots(turn, 'Sorry, that time was just taken. ');
}

/** The plans of BOOKING, by the names the chart gives them (lead-plans.ts). */
export const bookingPlans = {
  bookingMessage,
  takenSlotsLoaded,
  stopLoadingOffers,
  slotReserved,
  slotUnavailable,
};
