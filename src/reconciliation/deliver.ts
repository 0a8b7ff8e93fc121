// Delivery of what a scan staged: each missed message goes onto its lead's ordered stream with the same
// envelope (and id) its webhook would have had, a lead's messages one after another in provider-time
// order, different leads concurrently. A message the bus already had, or the lead applied meanwhile (a late
// webhook won the race), counts as existing; the host applies an id once either way.
import type { Bus } from '../bus/bus.ts';
import type { Envelope } from '../domain/envelope.ts';
import { sanitizeEnvelope } from '../domain/inbound-sanitize.ts';
import type { Db } from '../persistence/database.ts';

interface Staged {
  envelope_id: string;
  lead_id: string;
  envelope: Envelope;
}

async function alreadyApplied(db: Db, rows: readonly Staged[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const applied = await db
    .selectFrom('processed_messages')
    .select('message_id')
    .where('lead_id', 'in', [...new Set(rows.map((r) => r.lead_id))])
    .where(
      'message_id',
      'in',
      rows.map((r) => r.envelope_id),
    )
    .execute();
  return new Set(applied.map((r) => r.message_id));
}

async function record(db: Db, runId: string, ids: readonly string[], outcome: 'new' | 'existing') {
  if (ids.length === 0) return;
  await db
    .updateTable('reconciliation_items')
    .set({ outcome })
    .where('run_id', '=', runId)
    .where('envelope_id', 'in', ids)
    .execute();
}

/** Publishes the number's staged messages; returns how many were new. Resumable: done ones keep their outcome. */
export async function deliverStaged(
  deps: { db: Db; bus: Bus },
  runId: string,
  number: string,
  options: { concurrency?: number; batch?: number } = {},
): Promise<number> {
  const batch = options.batch ?? 2_000;
  let delivered = 0;
  for (;;) {
    const rows = (await deps.db
      .selectFrom('reconciliation_items')
      .select(['envelope_id', 'lead_id', 'envelope'])
      .where('run_id', '=', runId)
      .where('number', '=', number)
      .where('outcome', 'is', null)
      .orderBy('sent_at')
      .orderBy('envelope_id')
      .limit(batch)
      .execute()) as Staged[];
    if (rows.length === 0) return delivered;
    const applied = await alreadyApplied(deps.db, rows);
    await record(deps.db, runId, [...applied], 'existing');
    const byLead = new Map<string, Staged[]>();
    for (const row of rows) {
      if (applied.has(row.envelope_id)) continue;
      byLead.set(row.lead_id, [...(byLead.get(row.lead_id) ?? []), row]);
    }
    const leads = [...byLead.values()];
    const worker = async () => {
      for (let next = leads.shift(); next !== undefined; next = leads.shift()) {
        const fresh: string[] = [];
        const duplicate: string[] = [];
        for (const row of next) {
          // The same per-field bounds every gateway envelope gets (publishAccepted), for a replayed message.
          const result = await deps.bus.publish(sanitizeEnvelope(row.envelope));
          (result.duplicate ? duplicate : fresh).push(row.envelope_id);
        }
        await record(deps.db, runId, fresh, 'new');
        await record(deps.db, runId, duplicate, 'existing');
        delivered += fresh.length;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  }
}
