// Every change of a lead's status, for the console's funnel (conversion from step to step, time spent in
// each status, stuck leads). A trigger on leads records it, so every writer (the actor host's commit,
// contacts import, a migrated snapshot) is covered without each remembering to; the change's time is the
// row's updated_at, which the writers set from their injected clock (never the database's now()).
// Leads that existed before this migration get one `backfilled` row: their status since their last
// change; the funnel does not count that first stay's length, whose start it does not know.
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lead_status_changes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('backfilled', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createIndex('lead_status_changes_lead_idx')
    .on('lead_status_changes')
    .columns(['lead_id', 'at', 'id'])
    .execute();
  await sql`
    create function leadline_record_status_change() returns trigger language plpgsql as $$
    begin
      if NEW.actor_type = 'lead' and (TG_OP = 'INSERT' or NEW.status is distinct from OLD.status) then
        insert into lead_status_changes (lead_id, studio_id, from_status, to_status, at)
        values (NEW.id, NEW.studio_id, case when TG_OP = 'UPDATE' then OLD.status end, NEW.status,
                NEW.updated_at);
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`
    create trigger leads_status_change after insert or update of status on leads
    for each row execute function leadline_record_status_change()`.execute(db);
  await sql`
    insert into lead_status_changes (lead_id, studio_id, from_status, to_status, at, backfilled)
    select id, studio_id, null, status, updated_at, true from leads where actor_type = 'lead'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists leads_status_change on leads`.execute(db);
  await sql`drop function if exists leadline_record_status_change()`.execute(db);
  await db.schema.dropTable('lead_status_changes').ifExists().execute();
}
