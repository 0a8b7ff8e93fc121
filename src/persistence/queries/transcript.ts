// A lead's conversation, in order, for GET /admin/leads/:id/messages.
import type { Db } from '../database.ts';

export interface MessageView {
  direction: 'in' | 'out';
  kind: string;
  text: string | null;
  at: string;
  providerMessageId: string | null;
  deliveryStatus: string | null;
  data: Record<string, unknown> | null;
}

export async function leadMessages(db: Db, leadId: string, limit = 1000): Promise<MessageView[]> {
  const rows = await db
    .selectFrom('transcript')
    .select(['direction', 'kind', 'text', 'at', 'provider_message_id', 'delivery_status', 'data'])
    .where('lead_id', '=', leadId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    direction: r.direction,
    kind: r.kind,
    text: r.text,
    at: r.at.toISOString(),
    providerMessageId: r.provider_message_id,
    deliveryStatus: r.delivery_status,
    data: r.data,
  }));
}

/** Whose outbound message a provider's id is (its transcript entry), e.g. for a status that names no numbers. */
export async function outboundMessageOwner(
  db: Db,
  providerMessageId: string,
): Promise<{ leadId: string; studioId: string } | undefined> {
  const row = await db
    .selectFrom('transcript')
    .innerJoin('leads', 'leads.id', 'transcript.lead_id')
    .select(['transcript.lead_id as leadId', 'leads.studio_id as studioId'])
    .where('transcript.provider_message_id', '=', providerMessageId)
    .where('transcript.direction', '=', 'out')
    .limit(1)
    .executeTakeFirst();
  return row;
}
