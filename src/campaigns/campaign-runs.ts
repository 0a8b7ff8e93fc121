// Runs of a campaign: created with their targets frozen (one statement: the segment's leads as numbered
// rows), read back with live counters, paused, resumed and cancelled. The counters read what happened:
// the run's targets (skipped by the worker, with the reason), the outbox rows the leads' actors wrote
// for it (sent once the provider took them, failed when it refused for good) and the actors' refusals
// (`campaign.skipped` system events).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { localReading } from '../domain/local-time.ts';
import type { Db } from '../persistence/database.ts';
import type { RunStatus } from '../persistence/schema-campaigns.ts';
import type { Studio } from '../studio/studio-schema.ts';
import type { Campaign } from './campaign-definition.ts';
import { segmentCondition } from './segment.ts';

export const skipReasons = ['optedOut', 'noConsent', 'quotaExhausted', 'quietHours', 'alreadySent'] as const;
export type SkipReason = (typeof skipReasons)[number];

export interface RunView {
  id: string;
  campaignId: string;
  status: RunStatus;
  trigger: 'manual' | 'schedule';
  day: string;
  targeted: number;
  sent: number;
  failed: number;
  /** Handed to the leads' actors and not yet sent, failed or refused. */
  pending: number;
  skipped: Record<SkipReason, number>;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * A new run for the campaign's studio-local day, targets included. A scheduled run is made once per day
 * (a unique index): null when another worker's scheduler made it first.
 */
export async function createRun(
  db: Db,
  campaign: Campaign,
  studio: Studio,
  options: { trigger: 'manual' | 'schedule'; now: Date },
): Promise<string | null> {
  const local = localReading(options.now, studio.timezone);
  const id = randomUUID();
  const where = segmentCondition(campaign.segment, {
    studioId: campaign.studioId,
    now: options.now,
    monthDay: local.monthDay,
  });
  return db.transaction().execute(async (tx) => {
    const inserted = await sql<{ id: string }>`
      insert into campaign_runs (id, campaign_id, status, trigger, day, created_at)
      values (${id}::uuid, ${campaign.id}, 'running', ${options.trigger}, ${local.day}::date,
        ${options.now.toISOString()}::timestamptz)
      on conflict do nothing
      returning id`.execute(tx);
    if (inserted.rows.length === 0) return null;
    const targets = await sql`
      insert into campaign_targets (run_id, seq, lead_id)
      select ${id}::uuid, row_number() over (order by l.id), l.id
      from leads l left join contacts c on c.lead_id = l.id
      where ${where}`.execute(tx);
    await tx
      .updateTable('campaign_runs')
      .set({ targeted: Number(targets.numAffectedRows ?? 0) })
      .where('id', '=', id)
      .execute();
    return id;
  });
}

interface CounterRow {
  status: RunStatus;
  campaign_id: string;
  trigger: 'manual' | 'schedule';
  day: string;
  targeted: number | null;
  created_at: Date;
  finished_at: Date | null;
  sent: number;
  failed_sends: number;
  sends: number;
  refused: Record<string, number> | null;
  skipped: Record<string, number> | null;
  published: number;
}

export async function runView(db: Db, runId: string): Promise<RunView | undefined> {
  const result = await sql<CounterRow>`
    select r.status, r.campaign_id, r.trigger, r.day::text as day, r.targeted, r.created_at, r.finished_at,
      o.sent, o.failed_sends, o.sends, e.refused, t.skipped, t.published
    from campaign_runs r,
    lateral (select count(*) filter (where status = 'done')::int as sent,
        count(*) filter (where status = 'failed')::int as failed_sends, count(*)::int as sends
      from outbox where payload ? 'campaign' and payload->'campaign'->>'runId' = r.id::text) o,
    lateral (select jsonb_object_agg(reason, n) as refused from (
        select payload->>'reason' as reason, count(*)::int as n from system_events
        where type = 'campaign.skipped' and payload->>'runId' = r.id::text group by 1) x) e,
    lateral (select jsonb_object_agg(reason, n) filter (where reason is not null) as skipped,
        coalesce(sum(n) filter (where state = 'published'), 0)::int as published from (
        select state, reason, count(*)::int as n from campaign_targets where run_id = r.id
        group by 1, 2) y) t
    where r.id = ${runId}::uuid`.execute(db);
  const row = result.rows[0];
  if (!row) return undefined;
  const refused = row.refused ?? {};
  const skippedByWorker = row.skipped ?? {};
  const skipped = Object.fromEntries(
    skipReasons.map((r) => [r, (skippedByWorker[r] ?? 0) + (refused[r] ?? 0)]),
  ) as Record<SkipReason, number>;
  // A target the worker could not address (no phone) is a failure, not a skip.
  const unaddressable = skippedByWorker.noAddress ?? 0;
  const refusedTotal = Object.values(refused).reduce((a, b) => a + b, 0);
  return {
    id: runId,
    campaignId: row.campaign_id,
    status: row.status,
    trigger: row.trigger,
    day: row.day,
    targeted: row.targeted ?? 0,
    sent: row.sent,
    failed: row.failed_sends + unaddressable,
    pending: Math.max(0, row.published - refusedTotal - row.sent - row.failed_sends),
    skipped,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

const TRANSITIONS: Record<'pause' | 'resume' | 'cancel', { from: RunStatus[]; to: RunStatus }> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['running', 'paused'], to: 'cancelled' },
};

/** Moves a run on; false when it is not in a state the action applies to (e.g. resuming a finished run). */
export async function changeRun(
  db: Db,
  runId: string,
  action: keyof typeof TRANSITIONS,
  now: Date,
): Promise<boolean> {
  const { from, to } = TRANSITIONS[action];
  const updated = await db
    .updateTable('campaign_runs')
    .set({
      status: to,
      // A paused or cancelled run is let go at once; a resumed one is free for any worker to lease.
      lease_owner: null,
      lease_until: null,
      ...(to === 'cancelled' ? { finished_at: now } : {}),
    })
    .where('id', '=', runId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function runsOf(db: Db, campaignId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('campaign_runs')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => r.id);
}
