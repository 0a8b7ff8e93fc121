// BOOKING (CONTRACT §5 rule 12): numbered slot offers computed from the studio's availability; a choice
// reserves through the outbox; a slot taken meanwhile gives fresh offers.
import type { OutboundMessage } from '../../domain/effects.ts';
import type { LeadEvent } from '../../domain/lead-events.ts';
import { parseSlotChoice } from '../parsers/index.ts';
import type { Slot } from './lead-context.ts';
import { inboundText } from './questions.ts';
import { computeSlotOffers, slotLabel } from './slot-offers.ts';
import { text, type TemplateKind, type Turn } from './turn.ts';

const TITLE_MAX = 24;

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

/** Computes fresh offers from `at`, excluding known-taken slots, and sends them. */
export function offerSlots(turn: Turn, lead = '', template: TemplateKind = 'resume'): void {
  const offered = computeSlotOffers(turn.studio, turn.at, turn.context.slots.taken);
  turn.update({ slots: { ...turn.context.slots, offered, chosen: null } });
  if (offered.length === 0) {
    turn.sayText(`${lead}We'll be in touch shortly to arrange a time.`);
    turn.notifyArtist('info', `${turn.context.name ?? 'A lead'} has paid but no free slots were found.`);
    return;
  }
  turn.say([offersMessage(turn, lead)], template);
}

/** The offer the lead picked: a button reply (`slot:<start>`) or a number in text. */
export function chosenSlot(turn: Turn, event: LeadEvent): Slot | null {
  if (event.type !== 'whatsapp.message') return null;
  const { offered } = turn.context.slots;
  const content = event.content;
  if (content.kind === 'interactive' || content.kind === 'button') {
    const byId = offered.find((slot) => `slot:${slot.start}` === content.id);
    if (byId !== undefined) return byId;
  }
  const words = inboundText(content);
  const index = words === null ? null : parseSlotChoice(words, offered.length);
  return index === null ? null : (offered[index - 1] ?? null);
}

export function bookingMessage(turn: Turn, event: LeadEvent): void {
  if (turn.context.slots.chosen !== null) {
    turn.sayText("We're confirming your time; you'll hear from us in a moment.");
    return;
  }
  const slot = chosenSlot(turn, event);
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

export function slotReserved(turn: Turn, event: LeadEvent): void {
  if (event.type !== 'booking.reserved') return;
  const booked = { start: event.slotStart, end: event.slotEnd };
  turn.update({ slots: { ...turn.context.slots, chosen: null, booked } });
  turn.say(bookedText(turn).map(text));
  turn.notifyArtist(
    'booked',
    `${turn.context.name ?? 'A lead'} (${turn.context.phone ?? 'unknown number'}) booked ${slotLabel(booked, turn.studio.timezone)}.`,
  );
}

export function slotUnavailable(turn: Turn, event: LeadEvent): void {
  if (event.type !== 'booking.slot_unavailable') return;
  turn.systemEvent('warn', 'slot.unavailable_after_selection', { slotStart: event.slotStart });
  const taken = [...new Set([...turn.context.slots.taken, ...event.takenSlots, event.slotStart])].sort();
  turn.update({ slots: { ...turn.context.slots, taken, chosen: null } });
  offerSlots(turn, 'Sorry, that time was just taken. ');
}
