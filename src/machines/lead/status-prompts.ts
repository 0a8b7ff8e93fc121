// What the lead is told when they come back to a status (after a handover, going stale, opting back in,
// or a closed window): the question, link or offers that is waiting for them.
import { bookedText, requestOffers } from './booking.ts';
import { depositMessages, EXPIRED_TEXT } from './deposit.ts';
import type { ResumableStatus } from './lead-status.ts';
import { questionMessages } from './qualifying.ts';
import { text, type Turn } from './turn.ts';

export const REVIEWING_TEXT = 'Thanks! The artist is reviewing your request and will get back to you soon.';

export function promptForStatus(turn: Turn, status: ResumableStatus, lead = ''): void {
  switch (status) {
    case 'QUALIFYING':
      turn.say(questionMessages(turn, lead));
      return;
    case 'PENDING_APPROVAL':
      turn.sayText(`${lead}${REVIEWING_TEXT}`);
      return;
    case 'AWAITING_DEPOSIT':
      // The lead-in ("Welcome back…") on its own first: the link's message has its own opening.
      turn.say([...(lead === '' ? [] : [text(lead.trim())]), ...depositMessages(turn)], 'deposit');
      return;
    case 'DEPOSIT_EXPIRED':
      turn.say([text(`${lead}${EXPIRED_TEXT}`)]);
      return;
    case 'BOOKING':
      // Coming back after a while: the offers follow once the bookings made meanwhile are loaded.
      requestOffers(turn, lead);
      return;
    case 'BOOKED':
      turn.sayText(...bookedText(turn).map((t) => `${lead}${t}`));
      return;
    case 'REJECTED':
      return;
  }
}

/**
 * The lead is back: deliver what was held back while the window was closed, else the waiting prompt. The
 * message itself is not read as an answer (one step per inbound message).
 */
export function resumeStatus(turn: Turn, status: ResumableStatus, lead = ''): void {
  const held = turn.context.pending;
  turn.update({ pending: [], resume: false });
  if (held.length > 0) turn.say(held);
  else promptForStatus(turn, status, lead);
}
