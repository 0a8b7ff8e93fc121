// Brand-scoped identity: a lead's identifiers (phone E.164, email lower-cased, deviceId), unique within a
// studio, so the same phone on WhatsApp and SMS to one studio is one lead and a message without a phone
// finds its lead by email or device. `leads.channel` is the channel of the lead's latest inbound message.
// Existing leads keep their ids: their phones are recorded, their channel read from the migrated snapshot
// when it has one (else WhatsApp, the only channel before). Frozen in time: takes Kysely<unknown>.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lead_identifiers')
    .ifNotExists()
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('lead_identifiers_pkey', ['studio_id', 'type', 'value'])
    .execute();
  await db.schema
    .createIndex('lead_identifiers_lead_idx')
    .ifNotExists()
    .on('lead_identifiers')
    .column('lead_id')
    .execute();
  await sql`ALTER TABLE leads ADD COLUMN IF NOT EXISTS channel text`.execute(db);
  await sql`
    INSERT INTO lead_identifiers (studio_id, type, value, lead_id, created_at)
    SELECT studio_id, 'phone', phone, id, created_at FROM leads
     WHERE actor_type = 'lead' AND phone IS NOT NULL
    ON CONFLICT DO NOTHING
  `.execute(db);
  await sql`
    UPDATE leads SET channel = coalesce(snapshot->'context'->>'channel', 'whatsapp')
     WHERE actor_type = 'lead' AND phone IS NOT NULL AND channel IS NULL
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE leads DROP COLUMN IF EXISTS channel`.execute(db);
  await db.schema.dropTable('lead_identifiers').ifExists().execute();
}
