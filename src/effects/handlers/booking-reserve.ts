// effect.booking.reserve → a row in `bookings`, unique per (studio, slot start). The insert is the
// reservation: `on conflict do nothing`, then whoever owns the row decides. A row already owned by this
// lead (a retried effect) counts as reserved.
import type { Db } from '../../persistence/database.ts';
import type { EffectHandler, EffectOf } from '../effect-handler.ts';
import { takenSlots } from './taken-slots.ts';

/** How far ahead `takenSlots` looks when a slot was lost (the machine re-offers from these). */
const TAKEN_HORIZON_MS = 8 * 7 * 86_400_000;

export function bookingReserveHandler(db: Db): EffectHandler<EffectOf<'effect.booking.reserve'>> {
  return {
    provider: 'database',
    async execute(ctx) {
      const { effect } = ctx;
      const slotStart = new Date(effect.slotStart);
      await db
        .insertInto('bookings')
        .values({
          studio_id: ctx.studio.id,
          slot_start: slotStart,
          slot_end: new Date(effect.slotEnd),
          lead_id: ctx.leadId,
          outbox_id: ctx.outboxId,
        })
        .onConflict((oc) => oc.columns(['studio_id', 'slot_start']).doNothing())
        .execute();
      const owner = await db
        .selectFrom('bookings')
        .select('lead_id')
        .where('studio_id', '=', ctx.studio.id)
        .where('slot_start', '=', slotStart)
        .executeTakeFirst();
      if (owner?.lead_id === ctx.leadId) {
        const slot = { slotStart: slotStart.toISOString(), slotEnd: new Date(effect.slotEnd).toISOString() };
        return { result: { reserved: true, ...slot }, feedback: { type: 'booking.reserved', ...slot } };
      }
      const taken = await takenSlots(db, {
        studioId: ctx.studio.id,
        from: ctx.now,
        until: new Date(ctx.now.getTime() + TAKEN_HORIZON_MS),
        leadId: ctx.leadId,
      });
      return {
        result: { reserved: false, takenSlots: taken },
        feedback: { type: 'booking.slot_unavailable', slotStart: slotStart.toISOString(), takenSlots: taken },
      };
    },
  };
}
