// For the scheduler: PENDING attachments whose download lease expired and that no live outbox row will
// retry any more (its effect finished, was removed, or ran out of attempts without marking the row) are
// marked FAILED `abandoned`, so no attachment stays PENDING forever. A PENDING row whose effect is still
// pending/running is left alone: the relay will come back to it.
import { sql } from 'kysely';
import type { Db } from '../../persistence/database.ts';

export async function sweepStuckAttachments(db: Db, now: Date): Promise<number> {
  const result = await db
    .updateTable('attachments as a')
    .set({ status: 'FAILED', reason: 'abandoned', locked_until: null, updated_at: now })
    .where('a.status', '=', 'PENDING')
    .where((eb) => eb.or([eb('a.locked_until', 'is', null), eb('a.locked_until', '<', now)]))
    .where('a.updated_at', '<', now)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('outbox as o')
            .select(sql.lit(1).as('one'))
            .whereRef('o.id', '=', 'a.outbox_id')
            .where('o.status', 'in', ['pending', 'running']),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
