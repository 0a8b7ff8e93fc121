// effect.booking.load_taken → the slots other leads have booked in the asked range, fed back as
// booking.taken_slots so the lead's first offers leave them out. A plain read: retried like any database
// effect; when it fails for good the machine falls back to offers without it (effect.failed).
import type { Db } from '../../persistence/database.ts';
import type { EffectHandler, EffectOf } from '../effect-handler.ts';
import { takenSlots } from './taken-slots.ts';

export function bookingLoadTakenHandler(db: Db): EffectHandler<EffectOf<'effect.booking.load_taken'>> {
  return {
    provider: 'database',
    async execute(ctx) {
      const slots = await takenSlots(db, {
        studioId: ctx.studio.id,
        from: new Date(ctx.effect.from),
        until: new Date(ctx.effect.until),
        leadId: ctx.leadId,
      });
      return {
        result: { takenSlots: slots },
        feedback: { type: 'booking.taken_slots', takenSlots: slots },
      };
    },
  };
}
