// The channel-neutral core: outbox rows not yet finished that an earlier version wrote as
// `effect.whatsapp.send` become `effect.message.send` on the `whatsapp` channel (same recipient, message,
// campaign and transcript), so the relay sends them through the WhatsApp channel adapter after the upgrade.
// Finished rows are history and keep their kind. (A row an old worker writes after this migration ran, in
// a rolling upgrade, is upcast when the relay reads it.) Frozen in time: takes Kysely<unknown>.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE outbox
       SET kind = 'effect.message.send',
           payload = payload || '{"type": "effect.message.send", "channel": "whatsapp"}'::jsonb
     WHERE kind = 'effect.whatsapp.send'
       AND status IN ('pending', 'running')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE outbox
       SET kind = 'effect.whatsapp.send',
           payload = (payload - 'channel' - 'from' - 'inReplyTo') || '{"type": "effect.whatsapp.send"}'::jsonb
     WHERE kind = 'effect.message.send'
       AND payload->>'channel' = 'whatsapp'
       AND status IN ('pending', 'running')
  `.execute(db);
}
