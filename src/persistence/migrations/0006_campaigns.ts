// Contacts, campaigns and the limits that protect shared resources (docs/architecture.md invariant 12), all in
// the database so every worker of a cluster sees the same counts:
//   send_quotas       one row per (studio, channel, sender, studio-local day): `used` only grows, claimed
//                     by one conditional upsert; a new day is a new row, so nothing expires (no TTLs).
//   campaign_sends    at most one send per (campaign, lead, studio-local day): its primary key is claimed
//                     in the transaction that writes the send's control event.
//   rate_limits       GCRA state (the theoretical arrival time) per key: a cluster-wide rate limit.
//   circuit_breakers  per provider: consecutive failures, open until, trial (half-open) until.
//   contacts          what an import knows about a lead beyond the conversation (birthday, tags, consent).
//   campaigns, campaign_runs, campaign_targets   a run's lease and its frozen list of targets.
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('send_quotas')
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('send_quotas_pk', ['studio_id', 'channel', 'sender', 'day'])
    .execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tat', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('circuit_breakers')
    .addColumn('provider', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('open_until', 'timestamptz')
    .addColumn('trial_until', 'timestamptz')
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('lead_id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    // MM-DD (what "birthday today" compares), and the year when the import gave a full date.
    .addColumn('birthday', 'text')
    .addColumn('birth_year', 'integer')
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('consent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('consent_source', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('contacts_studio_idx')
    .on('contacts')
    .columns(['studio_id', 'birthday'])
    .execute();
  await sql`create index contacts_tags_idx on contacts using gin (tags)`.execute(db);

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('segment', 'jsonb', (c) => c.notNull())
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('schedule', 'jsonb')
    .addColumn('daily_quota', 'integer', (c) => c.notNull())
    .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('campaign_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    // The studio-local day the run sends for: the (campaign, lead, day) key and the quota's day.
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('targeted', 'integer')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('campaign_runs_campaign_idx')
    .on('campaign_runs')
    .columns(['campaign_id', 'created_at'])
    .execute();
  // A scheduled campaign runs once per studio-local day, whichever worker's scheduler gets there first.
  await sql`create unique index campaign_runs_scheduled_day on campaign_runs (campaign_id, day)
    where trigger = 'schedule'`.execute(db);
  await sql`create index campaign_runs_active_idx on campaign_runs (lease_until)
    where status in ('running', 'paused')`.execute(db);

  await db.schema
    .createTable('campaign_targets')
    .addColumn('run_id', 'uuid', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    // pending → published (its control event is on the lead's stream) | skipped (with `reason`).
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('reason', 'text')
    .addColumn('envelope', 'jsonb')
    .addPrimaryKeyConstraint('campaign_targets_pk', ['run_id', 'seq'])
    .execute();
  await sql`create index campaign_targets_todo_idx on campaign_targets (run_id, seq)
    where state <> 'skipped' and state <> 'done'`.execute(db);

  await db.schema
    .createTable('campaign_sends')
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('run_id', 'uuid', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_sends_pk', ['campaign_id', 'lead_id', 'day'])
    .execute();

  // Counters of a run read what the actors committed: sends in the outbox, refusals in system events.
  await sql`create index outbox_campaign_run_idx on outbox ((payload->'campaign'->>'runId'))
    where payload ? 'campaign'`.execute(db);
  await sql`create index system_events_campaign_run_idx on system_events ((payload->>'runId'))
    where type = 'campaign.skipped'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists system_events_campaign_run_idx`.execute(db);
  await sql`drop index if exists outbox_campaign_run_idx`.execute(db);
  for (const table of [
    'campaign_sends',
    'campaign_targets',
    'campaign_runs',
    'campaigns',
    'contacts',
    'circuit_breakers',
    'rate_limits',
    'send_quotas',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
