// Reading what the runtime committed, for assertions.
import type { Db } from '../../src/persistence/database.ts';

export async function leadValues(
  db: Db,
  leadId: string,
): Promise<{ values: unknown[]; version: number } | undefined> {
  const row = await db
    .selectFrom('leads')
    .select(['snapshot', 'version'])
    .where('id', '=', leadId)
    .executeTakeFirst();
  if (!row) return undefined;
  const snapshot = row.snapshot as { context: { values: unknown[] } };
  return { values: snapshot.context.values, version: Number(row.version) };
}
