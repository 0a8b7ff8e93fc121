// Durable time (invariant 5): a due timer row becomes the envelope `timer:<timer id>` on its lead's
// stream. Several callers (scheduler on each node) are safe: rows are claimed with FOR UPDATE SKIP LOCKED
// and marked fired_at in the same transaction. The host deletes the row when it applies the firing, and
// ignores a firing whose row is gone or has another id (cancelled or replaced).
import type { Bus } from '../bus/bus.ts';
import type { Envelope } from '../domain/envelope.ts';
import type { Db } from '../persistence/database.ts';

/** Publishes up to `limit` due timers; returns how many were published. */
export async function fireDueTimers(db: Db, bus: Bus, now: Date, limit = 500): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('timers')
      .select(['id', 'lead_id', 'actor_type', 'studio_id', 'key', 'due_at'])
      .where('due_at', '<=', now)
      .where('fired_at', 'is', null)
      .orderBy('due_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return 0;
    const at = now.toISOString();
    // Published before the commit: if the commit fails the timer fires again, and the duplicate is
    // harmless (same envelope id; the host applies a timer id once).
    await Promise.all(
      due.map((timer) => {
        const envelope: Envelope = {
          id: `timer:${timer.id}`,
          leadId: timer.lead_id,
          actorType: timer.actor_type as Envelope['actorType'],
          studioId: timer.studio_id,
          acceptedAt: at,
          event: {
            type: 'timer.fired',
            at,
            key: timer.key,
            timerId: timer.id,
            dueAt: timer.due_at.toISOString(),
          },
        };
        return bus.publish(envelope);
      }),
    );
    await tx
      .updateTable('timers')
      .set({ fired_at: now })
      .where(
        'id',
        'in',
        due.map((t) => t.id),
      )
      .execute();
    return due.length;
  });
}
