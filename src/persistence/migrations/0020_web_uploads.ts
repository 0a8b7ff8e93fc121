// Images uploaded to the message API (POST /{web,app,api}/media) before the message that carries them:
// one row per upload, the bytes in the media store under `storage_key`. A message names the upload by id;
// the lead's media pipeline then copies it into the lead's attachments like a WhatsApp photo.
// Frozen in time: takes Kysely<unknown> and imports no application types.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('media_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_uploads_created_idx').on('media_uploads').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('media_uploads').ifExists().execute();
}
