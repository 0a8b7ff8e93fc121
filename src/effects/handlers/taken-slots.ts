// The slots of a studio that other leads have booked: what the lead machine must not offer (rule 12).
// Read by effect.booking.load_taken (before offers are sent) and by effect.booking.reserve (after a chosen
// slot was lost), so both answer with the same list. The lead's own bookings are left out: a slot it
// already holds (e.g. booked before an admin reset) is still its to choose, and reserving it succeeds.
import type { Db } from '../../persistence/database.ts';

export interface TakenSlotsQuery {
  studioId: string;
  /** Slot starts in [from, until). */
  from: Date;
  until: Date;
  /** The lead asking. */
  leadId: string;
}

/** Slot starts (ISO, ascending) booked by leads other than `leadId`; served by the (studio, start) key. */
export async function takenSlots(db: Db, query: TakenSlotsQuery): Promise<string[]> {
  const rows = await db
    .selectFrom('bookings')
    .select('slot_start')
    .where('studio_id', '=', query.studioId)
    .where('slot_start', '>=', query.from)
    .where('slot_start', '<', query.until)
    .where('lead_id', '<>', query.leadId)
    .orderBy('slot_start')
    .execute();
  return rows.map((row) => row.slot_start.toISOString());
}
