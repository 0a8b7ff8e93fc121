// The one owner of an outbound message's delivery status (`transcript.delivery_status`): its ranking and
// every statement that writes it. Providers report out of order (`read` may come before `delivered`), so a
// status only moves forward: queued < sent < delivered < read; `failed` overrides from anywhere and is
// final. A status outside the ranking (the sandbox's `sandbox`, src/effects/sandbox) ranks 0: it is stored
// as a send's first status and any ranked status overtakes it.
// Writers: the channel adapters after a send (recordSends, recordSendFailed; the relay batches recordSends
// per turn, src/effects/transcript-sent.ts) and the actor host's commit, for statuses the lead's machine
// received from status webhooks (applyDeliveryStatuses, recordDeliveryErrors; src/actors/commit-writes.ts).
import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from './database.ts';
import { storableJson } from './storable.ts';

const ORDER: readonly string[] = ['queued', 'sent', 'delivered', 'read', 'failed'];

export function deliveryRank(status: string | null | undefined): number {
  return status ? ORDER.indexOf(status) + 1 : 0;
}

/** The status to keep when `next` arrives after `current` (the rule applyDeliveryStatuses applies in SQL). */
export function laterDeliveryStatus(current: string | null | undefined, next: string): string {
  if (current === 'failed') return current;
  return deliveryRank(next) > deliveryRank(current) ? next : (current ?? next);
}

export interface SendRecord {
  outboxId: string;
  providerMessageId: string;
  status: string;
}

/**
 * The provider's id and first status of each sent message, on the outbound transcript row written with its
 * outbox id; once: a row that has a status already keeps it. One statement for all of them.
 *
 * Every join of a batch (unnest) to transcript here also names the keys as `= any(array)`: the indexes on
 * outbox_id and provider_message_id are partial (not null), and only a restriction on the table itself, not
 * the join, lets the planner use them. Without it, and with statistics a burst outgrew (or autovacuum off),
 * each statement read the whole transcript: 174 ms per batch at 200,000 rows, growing with the table
 * (docs/performance.md, "Statements that grew with the tables").
 */
export async function recordSends(db: Db, sends: readonly SendRecord[]): Promise<void> {
  if (sends.length === 0) return;
  await recordSendsStatement(sends).execute(db);
}

/** recordSends' statement (exported for the test that reads its plan). */
export function recordSendsStatement(sends: readonly SendRecord[]): RawBuilder<unknown> {
  const outboxIds = sends.map((s) => s.outboxId);
  return sql`
    update transcript as t
       set provider_message_id = v.provider_message_id, delivery_status = v.delivery_status
      from unnest(${outboxIds}::uuid[],
                  ${sends.map((s) => s.providerMessageId)}::text[],
                  ${sends.map((s) => s.status)}::text[])
           as v(outbox_id, provider_message_id, delivery_status)
     where t.outbox_id = v.outbox_id and t.outbox_id = any(${outboxIds}::uuid[])
       and t.delivery_status is null`;
}

/** A send that failed for good: `failed` (final) on the transcript row of its outbox id. */
export async function recordSendFailed(db: Db, outboxId: string): Promise<void> {
  await db
    .updateTable('transcript')
    .set({ delivery_status: 'failed' })
    .where('outbox_id', '=', outboxId)
    .execute();
}

export interface StatusRecord {
  leadId: string;
  providerMessageId: string;
  status: string;
}

/** Reported statuses of a lead's outbound messages (by provider id), each kept only if it ranks higher. */
export async function applyDeliveryStatuses(tx: Tx, rows: readonly StatusRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const providerIds = rows.map((r) => r.providerMessageId);
  await sql`
    update transcript t set delivery_status = d.status
    from unnest(${rows.map((r) => r.leadId)}::text[], ${providerIds}::text[],
      ${rows.map((r) => r.status)}::text[]) as d(lead_id, provider_message_id, status)
    where t.lead_id = d.lead_id and t.provider_message_id = d.provider_message_id
      and t.provider_message_id = any(${providerIds}::text[]) and t.direction = 'out'
      and coalesce(t.delivery_status, '') <> 'failed'
      and array_position(${ORDER}::text[], d.status)
        > coalesce(array_position(${ORDER}::text[], t.delivery_status), 0)`.execute(tx);
}

export interface DeliveryErrorRecord {
  leadId: string;
  providerMessageId: string;
  error: { code: number | string; title?: string | undefined };
}

/** The code of a failed delivery, for whoever reads the transcript (GET /admin/leads/:id/messages). */
export async function recordDeliveryErrors(tx: Tx, rows: readonly DeliveryErrorRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const providerIds = rows.map((r) => r.providerMessageId);
  await sql`
    update transcript t set data = coalesce(t.data, '{}'::jsonb) || jsonb_build_object('deliveryError', d.error)
    from unnest(${rows.map((r) => r.leadId)}::text[], ${providerIds}::text[],
      ${rows.map((r) => storableJson(r.error))}::jsonb[]) as d(lead_id, provider_message_id, error)
    where t.lead_id = d.lead_id and t.provider_message_id = d.provider_message_id
      and t.provider_message_id = any(${providerIds}::text[])
      and t.direction = 'out'`.execute(tx);
}
