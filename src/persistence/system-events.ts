// System events: the durable, queryable record of everything an operator should be able to see
// (signature failures, dead letters, session mismatches, alerts…). Written inside the caller's transaction
// when there is one, so the event and the state change it describes commit together.
import type { Kysely } from 'kysely';
import { sanitize, sanitizeRecord } from '../domain/sanitize.ts';
import type { Database } from './schema.ts';

export type SystemEventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface SystemEventInput {
  level: SystemEventLevel;
  type: string;
  leadId?: string | null;
  payload?: Record<string, unknown>;
  at?: Date;
}

export async function recordSystemEvent(db: Kysely<Database>, event: SystemEventInput): Promise<void> {
  await db
    .insertInto('system_events')
    .values({
      level: event.level,
      type: sanitize(event.type),
      lead_id: event.leadId === undefined || event.leadId === null ? null : sanitize(event.leadId, 'id'),
      // Payloads quote what senders sent (ids, reasons, issues): sanitised and bounded like any inbound.
      payload: sanitizeRecord(event.payload ?? {}),
      // The caller's clock when it has one; else this process's. Never the database's now(): `at` is
      // compared with the injected clock (retention, alert windows, `since` filters).
      at: event.at ?? new Date(),
    })
    .execute();
}
