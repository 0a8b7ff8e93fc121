// The campaign worker: any worker process may run it, and a run is worked by one of them at a time, by
// lease. A run row is leased with an expiry from the injected clock (never the database's now(): every
// worker must agree with the time its own decisions use) and renewed while it works; a killed worker's
// run is taken over once its lease expires. The new holder first re-publishes targets that were claimed
// but not yet marked published (their envelope ids make that a no-op for a send that already went), then
// carries on with the pending ones in order: nothing is sent twice, nothing is skipped.
import { sql } from 'kysely';
import type { Bus } from '../bus/bus.ts';
import type { Envelope } from '../domain/envelope.ts';
import { createPollLoop, type PollLoop } from '../effects/poll-loop.ts';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../persistence/database.ts';
import { claimRate } from '../persistence/limits/rate-limit.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { findCampaign } from './campaign-store.ts';
import { claimTarget, markPublished, type RunContext } from './run-send.ts';

export interface CampaignWorkerDeps {
  db: Db;
  bus: Bus;
  studios: StudioRegistry;
  logger: Logger;
  workerId: string;
  clock?: () => Date;
  leaseMs?: number;
  pollIntervalMs?: number;
  /** Targets handled per lease renewal. */
  batchSize?: number;
}

export interface CampaignWorker extends PollLoop {
  /** Leases one run (if any is free) and works one batch of it; resolves with the targets handled. */
  runOnce(): Promise<number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createCampaignWorker(deps: CampaignWorkerDeps): CampaignWorker {
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 15_000;
  const batchSize = deps.batchSize ?? 50;
  const log = deps.logger.child({ component: 'campaign-worker' });

  /** A running run whose lease is free or expired (or ours), now leased by us. */
  async function lease(): Promise<{ id: string; campaignId: string; day: string } | undefined> {
    const now = clock();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const result = await sql<{ id: string; campaign_id: string; day: string }>`
      update campaign_runs set lease_owner = ${deps.workerId}, lease_until = ${until}::timestamptz
      where id = (
        select id from campaign_runs
        where status = 'running' and (lease_until is null or lease_until < ${now.toISOString()}::timestamptz
          or lease_owner = ${deps.workerId})
        order by created_at limit 1 for update skip locked)
      returning id, campaign_id, day::text as day`.execute(deps.db);
    const row = result.rows[0];
    return row && { id: row.id, campaignId: row.campaign_id, day: row.day };
  }

  /** Still ours and still running? Renews the lease; false when paused, cancelled or taken over. */
  async function renew(runId: string): Promise<boolean> {
    const until = new Date(clock().getTime() + leaseMs).toISOString();
    const updated = await sql`
      update campaign_runs set lease_until = ${until}::timestamptz
      where id = ${runId}::uuid and lease_owner = ${deps.workerId} and status = 'running'`.execute(deps.db);
    return Number(updated.numAffectedRows ?? 0) === 1;
  }

  async function finish(runId: string): Promise<void> {
    await deps.db
      .updateTable('campaign_runs')
      .set({ status: 'completed', finished_at: clock(), lease_owner: null, lease_until: null })
      .where('id', '=', runId)
      .where('lease_owner', '=', deps.workerId)
      .where('status', '=', 'running')
      .execute();
  }

  async function publish(runId: string, seq: number, envelope: Envelope): Promise<void> {
    await deps.bus.publish(envelope);
    await markPublished(deps.db, runId, seq);
  }

  /** Waits for the campaign's cluster-wide pace (ratePerMinute; a second's worth may go back to back). */
  async function paced(ctx: RunContext, runId: string): Promise<boolean> {
    const rule = { perMinute: ctx.campaign.ratePerMinute, burst: Math.ceil(ctx.campaign.ratePerMinute / 60) };
    for (;;) {
      const claim = await claimRate(deps.db, `campaign:${ctx.campaign.id}`, rule, clock());
      if (claim.granted) return true;
      await sleep(Math.min(claim.retryAfterMs, leaseMs / 4));
      if (!(await renew(runId))) return false;
    }
  }

  async function work(run: { id: string; campaignId: string; day: string }): Promise<number> {
    const campaign = await findCampaign(deps.db, run.campaignId);
    const studio = campaign && deps.studios.byId(campaign.studioId);
    if (!campaign || !studio) {
      await deps.db
        .updateTable('campaign_runs')
        .set({ status: 'failed', error: 'campaign or studio no longer exists', finished_at: clock() })
        .where('id', '=', run.id)
        .execute();
      return 1;
    }
    const ctx: RunContext = { runId: run.id, campaign, studio, day: run.day };
    // Claimed by a worker that died before it could publish: publish them first (in order).
    const unpublished = await deps.db
      .selectFrom('campaign_targets')
      .select(['seq', 'envelope'])
      .where('run_id', '=', run.id)
      .where('state', '=', 'pending')
      .where('envelope', 'is not', null)
      .orderBy('seq')
      .execute();
    for (const t of unpublished) await publish(run.id, t.seq, t.envelope as unknown as Envelope);
    const pending = await deps.db
      .selectFrom('campaign_targets')
      .select('seq')
      .where('run_id', '=', run.id)
      .where('state', '=', 'pending')
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (pending.length === 0 && unpublished.length === 0) {
      await finish(run.id);
      log.info({ runId: run.id, campaignId: campaign.id }, 'campaign run completed');
      return 1;
    }
    let handled = unpublished.length;
    for (const { seq } of pending) {
      if (!(await renew(run.id))) break; // paused, cancelled or no longer ours
      const outcome = await claimTarget(deps.db, ctx, seq, clock());
      handled++;
      if (outcome.kind !== 'claimed') continue;
      // Only sends wait for the pace. A claimed send is durable: if the lease is lost while waiting, the
      // next holder publishes it.
      if (!(await paced(ctx, run.id))) break;
      await publish(run.id, seq, outcome.envelope);
    }
    return handled;
  }

  async function runOnce(): Promise<number> {
    const run = await lease();
    if (!run) return 0;
    try {
      return await work(run);
    } catch (error) {
      // The lease runs out and this (or another) worker carries on from the targets' state.
      log.error({ runId: run.id, err: error }, 'campaign run batch failed');
      return 0;
    }
  }

  return { runOnce, ...createPollLoop(runOnce, deps.pollIntervalMs ?? 500, log) };
}
