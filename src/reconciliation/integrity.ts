// The other half of the integrity check, once a number's history has been read: SMS messages Leadline
// sent from the number in the window (the relay stored their provider id on the transcript) that the
// provider's history does not have. Sandbox sends never reached a provider and are left out; so are the
// last minutes before the run began, which the provider may not list yet.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import { MAX_FINDINGS } from './scan-page.ts';

export interface IntegrityScope {
  runId: string;
  studioId: string;
  number: string;
  /** The number is the studio's default sender (a send without `from` leaves from it). */
  isDefaultSender: boolean;
  windowStart: Date;
  until: Date;
}

export async function missingAtProvider(db: Db, scope: IntegrityScope): Promise<number> {
  const rows = await sql<{ provider_message_id: string; lead_id: string; at: Date }>`
    select t.provider_message_id, t.lead_id, t.at
    from transcript t join outbox o on o.id = t.outbox_id
    where t.direction = 'out' and t.provider_message_id is not null
      and coalesce(t.delivery_status, '') <> 'sandbox'
      and t.at >= ${scope.windowStart} and t.at < ${scope.until}
      and o.kind = 'effect.message.send' and o.payload->>'channel' = 'sms'
      and o.payload->>'studioId' = ${scope.studioId}
      and (o.result->>'from' = ${scope.number} or o.payload->>'from' = ${scope.number}
           or (o.payload->>'from' is null and o.result->>'from' is null and ${scope.isDefaultSender}))
      and not exists (select 1 from reconciliation_outbound r
                      where r.run_id = ${scope.runId} and r.provider_message_id = t.provider_message_id)
    order by t.at`.execute(db);
  const findings = rows.rows.slice(0, MAX_FINDINGS).map((r) => ({
    kind: 'missing_at_provider',
    number: scope.number,
    messageId: r.provider_message_id,
    leadId: r.lead_id,
    sentAt: r.at.toISOString(),
  }));
  await db
    .updateTable('reconciliation_run_numbers')
    .set({
      missing_at_provider: rows.rows.length,
      findings: sql`(findings || ${JSON.stringify(findings)}::jsonb)`,
    })
    .where('run_id', '=', scope.runId)
    .where('number', '=', scope.number)
    .execute();
  return rows.rows.length;
}
