// The attachments repository: one row per (lead, provider media id), PENDING → UPLOADED | FAILED.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../persistence/database.ts';
import type { Selectable } from 'kysely';
import type { AttachmentsTable } from '../../persistence/schema.ts';

export type AttachmentRow = Selectable<AttachmentsTable>;

export interface NewAttachment {
  leadId: string;
  studioId: string;
  messageId: string;
  mediaId: string;
  outboxId: string;
  purpose: string;
  mimeType: string | undefined;
  sha256: string | undefined;
  /** The injected clock: `updated_at` is compared with it by the abandoned-attachment sweep. */
  now: Date;
}

/** Inserts the PENDING row, or returns the existing one (webhook redelivered, effect retried). */
export async function ensureAttachment(db: Db, input: NewAttachment): Promise<AttachmentRow> {
  await db
    .insertInto('attachments')
    .values({
      id: randomUUID(),
      lead_id: input.leadId,
      studio_id: input.studioId,
      message_id: input.messageId,
      media_id: input.mediaId,
      outbox_id: input.outboxId,
      purpose: input.purpose,
      mime_type: input.mimeType ?? null,
      sha256: input.sha256 ?? null,
      next_attempt_at: input.now,
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) => oc.columns(['lead_id', 'media_id']).doNothing())
    .execute();
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('lead_id', '=', input.leadId)
    .where('media_id', '=', input.mediaId)
    .executeTakeFirstOrThrow();
}

export async function leaseAttachment(db: Db, id: string, now: Date, leaseMs: number): Promise<void> {
  await db
    .updateTable('attachments')
    .set({
      locked_until: new Date(now.getTime() + leaseMs),
      attempts: (eb) => eb('attempts', '+', 1),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function markUploaded(
  db: Db,
  id: string,
  stored: { storageKey: string; mimeType: string; size: number; sha256: string },
  now: Date,
): Promise<void> {
  await db
    .updateTable('attachments')
    .set({
      status: 'UPLOADED',
      storage_key: stored.storageKey,
      mime_type: stored.mimeType,
      size: stored.size,
      sha256: stored.sha256,
      reason: null,
      locked_until: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function markFailed(db: Db, id: string, reason: string, now: Date): Promise<void> {
  await db
    .updateTable('attachments')
    .set({ status: 'FAILED', reason, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .execute();
}

export async function markRetry(
  db: Db,
  id: string,
  reason: string,
  nextAttemptAt: Date,
  now: Date,
): Promise<void> {
  await db
    .updateTable('attachments')
    .set({ reason, next_attempt_at: nextAttemptAt, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}
