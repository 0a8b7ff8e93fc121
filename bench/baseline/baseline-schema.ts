// The baseline's three tables, created at start in the bench's fresh database.
import { sql } from 'kysely';
import type { Db } from '../../src/persistence/database.ts';

export async function createBaselineTables(db: Db): Promise<void> {
  await sql`create table if not exists baseline_leads (
    id text primary key, version integer not null, snapshot jsonb not null)`.execute(db);
  await sql`create table if not exists baseline_dedupe (message_id text primary key)`.execute(db);
  await sql`create table if not exists baseline_outbox (
    id bigserial primary key, lead_id text not null, payload jsonb not null)`.execute(db);
}
