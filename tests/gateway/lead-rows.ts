// Lead rows for admin/stripe tests that need a lead to exist without running a conversation.
import type { Db } from '../../src/persistence/database.ts';

export interface LeadRowInput {
  id: string;
  phone: string;
  studioId?: string;
  status?: string;
  step?: string | null;
  answers?: Record<string, unknown>;
  version?: number;
  actorType?: string;
  updatedAt?: Date;
}

export async function insertLead(db: Db, lead: LeadRowInput): Promise<void> {
  await db
    .insertInto('leads')
    .values({
      id: lead.id,
      actor_type: lead.actorType ?? 'lead',
      studio_id: lead.studioId ?? 'inkwell',
      phone: lead.phone,
      name: 'Alex',
      status: lead.status ?? 'QUALIFYING',
      step: lead.step === undefined ? 'placement' : lead.step,
      answers: lead.answers ?? { idea: 'a koi' },
      snapshot: JSON.stringify({}),
      machine_id: 'lead',
      machine_version: 1,
      version: lead.version ?? 3,
      updated_at: lead.updatedAt ?? new Date(),
    })
    .execute();
}

export async function insertTranscript(
  db: Db,
  leadId: string,
  rows: { direction: 'in' | 'out'; kind: string; text: string | null; at: Date }[],
): Promise<void> {
  for (const row of rows) {
    await db
      .insertInto('transcript')
      .values({
        lead_id: leadId,
        direction: row.direction,
        kind: row.kind,
        text: row.text,
        data: null,
        provider_message_id: null,
        outbox_id: null,
        delivery_status: null,
        at: row.at,
      })
      .execute();
  }
}
