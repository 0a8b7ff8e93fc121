// The campaign worker: any worker process may run it, and a run is worked by one of them at a time, by
// lease. A run row is leased with an expiry from the injected clock (never the database's now(): every
// worker must agree with the time its own decisions use) and renewed while it works; a killed worker's
// run is taken over once its lease expires. The new holder first re-publishes targets that were claimed
// but not yet marked published (their envelope ids make that a no-op for a send that already went), then
// carries on with the pending ones in order, a batch per transaction (src/campaigns/run-send.ts): nothing
// is sent twice, nothing is skipped.
import { sql } from 'kysely';
import type { Bus } from '../bus/bus.ts';
import type { Envelope } from '../domain/envelope.ts';
import { createPollLoop, type PollLoop } from '../effects/poll-loop.ts';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../persistence/database.ts';
import { claimRate } from '../persistence/limits/rate-limit.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { findCampaign } from './campaign-store.ts';
import type { Campaign } from './campaign-definition.ts';
import { claimBatch, markPublished, type ClaimedSend, type RunContext } from './run-send.ts';

export interface CampaignWorkerDeps {
  db: Db;
  bus: Bus;
  studios: StudioRegistry;
  logger: Logger;
  workerId: string;
  clock?: () => Date;
  leaseMs?: number;
  pollIntervalMs?: number;
  /** Most targets claimed per transaction (default 100); never more than half a second of the pace. */
  batchSize?: number;
}

export interface CampaignWorker extends PollLoop {
  /** Leases one run (if any is free) and works one batch of it; resolves with the targets handled. */
  runOnce(): Promise<number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A second's worth of the campaign's pace: what may go back to back. */
const burstOf = (campaign: Campaign) => Math.ceil(campaign.ratePerMinute / 60);
/**
 * The most one batch claims: half the burst, so the pace keeps half a second of tolerance and a batch that
 * comes late (the claim, the publish, a busy machine) is caught up by the next instead of every delay
 * adding up: with batches of a whole burst, each must wait for the full second after the previous one.
 */
const batchOf = (campaign: Campaign) => Math.max(1, Math.floor(burstOf(campaign) / 2));

export function createCampaignWorker(deps: CampaignWorkerDeps): CampaignWorker {
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 15_000;
  const batchSize = deps.batchSize ?? 100;
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

  async function hasPending(runId: string): Promise<boolean> {
    const row = await deps.db
      .selectFrom('campaign_targets')
      .select('seq')
      .where('run_id', '=', runId)
      .where('state', '=', 'pending')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Publishes claimed sends at the campaign's cluster-wide pace (ratePerMinute, a second's worth back to
   * back): each chunk of at most one burst claims its cells of the pace at once, is published concurrently
   * (the bus gathers concurrent publishes into one write) and marked published in one statement. Only sends
   * wait for the pace. False when the run stopped being ours (paused, cancelled, taken over) while waiting:
   * what is left stays claimed, and whoever holds the run next publishes it.
   */
  async function publishPaced(ctx: RunContext, sends: readonly ClaimedSend[]): Promise<boolean> {
    const rule = { perMinute: ctx.campaign.ratePerMinute, burst: burstOf(ctx.campaign) };
    for (let i = 0; i < sends.length; i += rule.burst) {
      const chunk = sends.slice(i, i + rule.burst);
      for (;;) {
        const claim = await claimRate(deps.db, `campaign:${ctx.campaign.id}`, rule, clock(), chunk.length);
        if (claim.granted) break;
        await sleep(Math.min(claim.retryAfterMs, leaseMs / 4));
        if (!(await renew(ctx.runId))) return false;
      }
      await Promise.all(chunk.map((send) => deps.bus.publish(send.envelope)));
      await markPublished(
        deps.db,
        ctx.runId,
        chunk.map((send) => send.seq),
      );
    }
    return true;
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
    // Claimed by a worker that died (or lost the run) before it could publish: publish them first.
    const unpublished = await deps.db
      .selectFrom('campaign_targets')
      .select(['seq', 'envelope'])
      .where('run_id', '=', run.id)
      .where('state', '=', 'pending')
      .where('envelope', 'is not', null)
      .orderBy('seq')
      .execute();
    const republish = unpublished.map((t) => ({ seq: t.seq, envelope: t.envelope as unknown as Envelope }));
    if (!(await publishPaced(ctx, republish))) return republish.length;
    // A batch is at most half a burst of the pace, so a run paused or cancelled meanwhile has claimed at
    // most half a second's worth of sends ahead of what it published.
    const batch = await claimBatch(deps.db, ctx, Math.min(batchSize, batchOf(campaign)), clock());
    if (batch.handled === 0 && republish.length === 0) {
      // Nothing free to take: finished, unless another worker still holds some of its targets.
      if (!(await hasPending(run.id))) {
        await finish(run.id);
        log.info({ runId: run.id, campaignId: campaign.id }, 'campaign run completed');
      }
      return 1;
    }
    await publishPaced(ctx, batch.claimed);
    return republish.length + batch.handled;
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
