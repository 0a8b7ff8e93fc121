// Counts behind the gauges the gateway refreshes on each /metrics scrape, so any gateway process reports
// the cluster-wide figures (the relay and the host only see their own node).
import type { Db } from '../database.ts';

export async function outboxBacklog(db: Db): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function unreplayedDeadLetters(db: Db): Promise<number> {
  const row = await db
    .selectFrom('dead_letters')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('replayed_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
