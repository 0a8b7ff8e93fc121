// A broadcast's per-lead results, from what each lead's actor committed for its envelope: the outbound
// message rows that envelope emitted (outbox.envelope_id), whether it was applied or dead-lettered, and
// the lead's status, channel and first inbound. Read once when the commit notices are in (or when a repeat
// asks), never polled. `resultOf` is the rule, apart from the reading.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import { outboundMessageId } from '../sessions/deliver-to-session.ts';
import { broadcastFailures, type BroadcastFailure, type BroadcastResult } from './broadcast-body.ts';

export function broadcastEnvelopeId(broadcastId: string, leadId: string): string {
  return `broadcast:${broadcastId}:${leadId}`;
}

export interface LeadFate {
  leadId: string;
  /** A lead of the studio (it got an envelope). */
  target: boolean;
  /** Its envelope's fate so far. */
  state: 'committed' | 'dead_lettered' | 'pending';
  /** The effect.message.send rows its envelope emitted, in emission order. */
  sends: { outboxId: string; kind: string }[];
  lead: { status: string; channel: string | null; hasWritten: boolean } | undefined;
}

function failed(leadId: string, error: BroadcastFailure, messageId?: string): BroadcastResult {
  return {
    leadId,
    success: false,
    ...(messageId === undefined ? {} : { messageId }),
    error,
    detail: broadcastFailures[error],
  };
}

/**
 * Successful = the lead's actor committed an outbound message carrying the text (SMS in quiet hours goes
 * out when they end). Otherwise the reason the text did not go out, read from the lead as it stands.
 */
export function resultOf(fate: LeadFate): BroadcastResult {
  const { leadId } = fate;
  if (!fate.target) return failed(leadId, 'LEAD_NOT_FOUND');
  if (fate.state === 'pending') return failed(leadId, 'PENDING');
  if (fate.state === 'dead_lettered') return failed(leadId, 'PROCESSING_FAILED');
  const text = fate.sends.find((send) => send.kind !== 'template');
  if (text !== undefined) return { leadId, success: true, messageId: outboundMessageId(text.outboxId) };
  const template = fate.sends[0];
  if (template !== undefined) return failed(leadId, 'OUTSIDE_WINDOW', outboundMessageId(template.outboxId));
  if (fate.lead?.status === 'OPTED_OUT') return failed(leadId, 'OPTED_OUT');
  if (fate.lead?.hasWritten !== true) return failed(leadId, 'NO_CHANNEL');
  // WhatsApp holds free-form text outside the window; the template was sent by an earlier held message.
  if (fate.lead.channel === 'whatsapp') return failed(leadId, 'OUTSIDE_WINDOW');
  return failed(leadId, 'NOT_SENT');
}

/** The ids among `leadIds` that are lead actors of the studio. */
export async function studioLeads(
  db: Db,
  studioId: string,
  leadIds: readonly string[],
): Promise<Set<string>> {
  if (leadIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('leads')
    .select('id')
    .where('studio_id', '=', studioId)
    .where('actor_type', '=', 'lead')
    .where('id', 'in', [...leadIds])
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Each requested lead's fate as committed now, in the request's order. */
export async function committedFates(
  db: Db,
  claim: { broadcastId: string; leadIds: readonly string[]; targetIds: readonly string[] },
): Promise<LeadFate[]> {
  const targets = [...claim.targetIds];
  const envelopeIds = targets.map((leadId) => broadcastEnvelopeId(claim.broadcastId, leadId));
  const [sends, processed, dead, leads] =
    targets.length === 0
      ? [[], [], [], []]
      : await Promise.all([
          db
            .selectFrom('outbox')
            .select(['id', 'lead_id', sql<string>`payload->'message'->>'kind'`.as('message_kind')])
            .where('lead_id', 'in', targets)
            .where('envelope_id', 'in', envelopeIds)
            .where('kind', '=', 'effect.message.send')
            .orderBy('seq')
            .execute(),
          db
            .selectFrom('processed_messages')
            .select('lead_id')
            .where('lead_id', 'in', targets)
            .where('message_id', 'in', envelopeIds)
            .execute(),
          db
            .selectFrom('dead_letters')
            .select('lead_id')
            .where('lead_id', 'in', targets)
            .where('message_id', 'in', envelopeIds)
            .execute(),
          db
            .selectFrom('leads')
            .select(['id', 'status', 'channel', 'last_inbound_at'])
            .where('id', 'in', targets)
            .execute(),
        ]);
  const applied = new Set(processed.map((row) => row.lead_id));
  const deadLettered = new Set(dead.map((row) => row.lead_id));
  const leadById = new Map(leads.map((row) => [row.id, row]));
  const targetSet = new Set(targets);
  return claim.leadIds.map((leadId) => {
    const lead = leadById.get(leadId);
    return {
      leadId,
      target: targetSet.has(leadId),
      state: applied.has(leadId) ? 'committed' : deadLettered.has(leadId) ? 'dead_lettered' : 'pending',
      sends: sends
        .filter((row) => row.lead_id === leadId)
        .map((row) => ({ outboxId: row.id, kind: row.message_kind })),
      lead:
        lead === undefined
          ? undefined
          : { status: lead.status, channel: lead.channel, hasWritten: lead.last_inbound_at !== null },
    };
  });
}
