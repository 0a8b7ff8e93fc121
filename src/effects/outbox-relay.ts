// The outbox relay: claims due effects (oldest unfinished row per lead only), executes them through the
// provider clients with a rate limit and a circuit breaker per provider, records every attempt on the row,
// retries retryable failures with backoff + jitter, and feeds outcomes back to the lead's actor as
// `effect:<outbox id>` envelopes. A success is stored before it is published, so a failed publish is
// finished later without calling the provider twice. Several relays may run against one database.
import type { Bus } from '../bus/bus.ts';
import type { Env } from '../config/env.ts';
import { effectSchema, type OutboxEffect } from '../domain/effects.ts';
import { envelopeSchema, type Envelope } from '../domain/envelope.ts';
import { upcastEffect } from '../domain/legacy-events.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Db } from '../persistence/database.ts';
import { recordSystemEvent } from '../persistence/system-events.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { retryDelay } from './backoff.ts';
import { createCircuitBreakers } from './circuit-breaker.ts';
import { classify, DeferredEffect, permanent, type EffectError } from './effect-errors.ts';
import { effectFailedFeedback, feedbackEnvelope } from './effect-feedback.ts';
import type { EffectContext, EffectFeedback, EffectHandler } from './effect-handler.ts';
import { createEffectHandlers } from './effect-handlers.ts';
import type { MediaStore } from './media/media-store.ts';
import { claimDueRows, outboxBacklog, type ClaimedRow } from './outbox-claim.ts';
import { keepLeased } from './outbox-lease.ts';
import { createDoneRecorder, recordAttempt } from './outbox-record.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createRelayPump } from './relay-pump.ts';
import { resolveRelayOptions, type RelayOptions } from './relay-options.ts';

export interface OutboxRelayDeps {
  db: Db;
  bus: Bus;
  env: Env;
  studios: StudioRegistry;
  logger: Logger;
  metrics: Metrics;
  mediaStore?: MediaStore;
  clock?: () => Date;
  options?: Partial<RelayOptions>;
}

export interface OutboxRelay {
  start(): void;
  stop(): Promise<void>;
  /** Claims and executes one batch of due rows; resolves with how many rows it handled. */
  runOnce(): Promise<number>;
  /** Poll now instead of waiting for the next interval (e.g. right after the host committed effects). */
  wake(): void;
}

/**
 * A campaign's message is sent at most once (docs/contract.md §10): when the relay that held it died during the
 * provider call, it is failed rather than sent again (Graph has no idempotency key to make a retry safe).
 * A lead's own conversation keeps at-least-once: a duplicate answer beats a missing one.
 */
function atMostOnce(effect: OutboxEffect): boolean {
  return effect.type === 'effect.message.send' && effect.campaign !== undefined;
}

/**
 * The notice topic an effect names for its outcome (an orchestrator asked about a message-API message):
 * the outcome's envelope carries it, so the gateway waiting for that message hears when its answer is in.
 */
function replyToOf(payload: unknown): string | undefined {
  const parsed = envelopeSchema.shape.replyTo.safeParse(
    typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>).replyTo
      : undefined,
  );
  return parsed.success ? parsed.data : undefined;
}

export function createOutboxRelay(deps: OutboxRelayDeps): OutboxRelay {
  const options = resolveRelayOptions(deps.options);
  const clock = deps.clock ?? (() => new Date());
  const log = deps.logger.child({ component: 'outbox-relay' });
  const handlerFor = createEffectHandlers({ ...deps, clock, options });
  const limiter = createRateLimiter(deps.db, clock);
  // Cluster-wide: every relay on the database shares each provider's failures and open circuit.
  const breakers = createCircuitBreakers(deps.db, options.breaker, clock);
  const recordDone = createDoneRecorder(deps.db);

  function envelopeFor(claimed: ClaimedRow, studioId: string, feedback: EffectFeedback): Envelope {
    return feedbackEnvelope({
      outboxId: claimed.row.id,
      leadId: claimed.row.lead_id,
      studioId,
      traceId: claimed.row.trace_id,
      feedback,
      now: clock(),
      replyTo: replyToOf(claimed.row.payload),
    });
  }

  /**
   * The provider did it: keep the outcome (and the envelope that tells the lead) on the row before
   * publishing, so a failed publish or a crash is finished later by re-publishing, never by executing the
   * effect again. Without feedback there is nothing to publish: the row is marked done at once.
   */
  async function complete(claimed: ClaimedRow, result: Record<string, unknown>, feedback: Envelope | null) {
    const { row } = claimed;
    if (feedback) {
      await recordAttempt(deps.db, claimed, { status: 'executed', result, feedback }, clock());
      try {
        await deps.bus.publish(feedback);
      } catch (error) {
        // The bus is down: put the row back (no attempt spent) to be finished after a short backoff.
        const nextAttemptAt = new Date(
          clock().getTime() + retryDelay(1, options.backoff, undefined, options.random),
        );
        await recordAttempt(deps.db, claimed, { status: 'released', nextAttemptAt }, clock());
        log.warn(
          { outboxId: row.id, kind: row.kind, err: error },
          'effect done; feedback publish failed, will re-publish',
        );
        return;
      }
    }
    const recorded = await recordDone(claimed, result, clock());
    if (!recorded) log.warn({ outboxId: row.id }, 'lease lost before completion: another relay re-ran it');
    deps.metrics.effectsExecuted.inc({ kind: row.kind, outcome: 'done' });
  }

  /** A row whose effect already succeeded (result stored) but was not finished: publish what was kept. */
  async function finishExecuted(claimed: ClaimedRow, result: Record<string, unknown>): Promise<void> {
    const { row } = claimed;
    const stored = row.feedback === null ? null : envelopeSchema.safeParse(row.feedback);
    if (stored?.success === false) {
      // Only a hand-edited row gets here; finishing it would leave the lead waiting without a word.
      log.error(
        { outboxId: row.id, kind: row.kind },
        'stored feedback is not an envelope; the lead is not told',
      );
      await recordSystemEvent(deps.db, {
        at: clock(),
        level: 'error',
        type: 'effect.feedback_invalid',
        leadId: row.lead_id,
        payload: { outboxId: row.id, effectType: row.kind },
      });
    }
    log.info({ outboxId: row.id, kind: row.kind }, 'effect already executed; finishing it');
    await complete(claimed, result, stored?.success === true ? stored.data : null);
  }

  async function fail(
    claimed: ClaimedRow,
    ctx: EffectContext | undefined,
    handler: EffectHandler | undefined,
    error: EffectError,
    exhausted: boolean,
  ) {
    const { row } = claimed;
    const failure = ctx && handler?.onFailure ? await handler.onFailure(ctx, error, exhausted) : {};
    const feedback =
      failure.feedback === undefined ? effectFailedFeedback(row.kind, error.message) : failure.feedback;
    // Publish before recording: if we die in between, the row is re-run and the envelope id dedupes.
    if (feedback && ctx) await deps.bus.publish(envelopeFor(claimed, ctx.studio.id, feedback));
    const event = failure.systemEvent ?? {
      level: 'error' as const,
      type: 'effect.failed',
      payload: {},
    };
    await recordSystemEvent(deps.db, {
      at: clock(),
      ...event,
      leadId: row.lead_id,
      payload: {
        outboxId: row.id,
        effectType: row.kind,
        attempts: row.attempts + 1,
        code: error.code,
        reason: error.reason,
        error: error.message,
        ...event.payload,
      },
    });
    const recorded = await recordAttempt(
      deps.db,
      claimed,
      { status: 'failed', error: error.message },
      clock(),
    );
    deps.metrics.effectsExecuted.inc({ kind: row.kind, outcome: 'failed' });
    log.error({ outboxId: row.id, kind: row.kind, code: error.code, err: error, recorded }, 'effect failed');
  }

  async function execute(claimed: ClaimedRow): Promise<void> {
    const { row } = claimed;
    if (row.result !== null) return finishExecuted(claimed, row.result);
    // A row an earlier version wrote as `effect.whatsapp.send` (e.g. by an old worker during a rolling
    // upgrade, after the SQL migration rewrote the rows present) is read as `effect.message.send`.
    const parsed = effectSchema.safeParse(upcastEffect(row.payload));
    const effect = parsed.success ? (parsed.data as OutboxEffect) : undefined;
    const studio = effect && 'studioId' in effect ? deps.studios.byId(effect.studioId) : undefined;
    const handler = effect ? handlerFor(effect) : undefined;
    if (!effect || !studio || !handler) {
      const why = !effect
        ? 'malformed effect payload'
        : !studio
          ? 'unknown studio'
          : `no handler for ${row.kind}`;
      await fail(claimed, undefined, undefined, permanent(why, { reason: 'invalid' }), false);
      return;
    }
    if (claimed.abandoned && atMostOnce(effect)) {
      const why = 'the relay sending this campaign message stopped mid-call; its outcome is unknown';
      await fail(claimed, undefined, undefined, permanent(why, { reason: 'outcome_unknown' }), false);
      return;
    }
    const ctx: EffectContext = {
      outboxId: row.id,
      leadId: row.lead_id,
      effect,
      studio,
      attempt: row.attempts + 1,
      now: clock(),
    };
    // One circuit per provider, or per provider and sending number where the handler says (SMS).
    const provider = handler.breakerKey?.(ctx) ?? handler.provider;
    const blockedUntil = await breakers.blockedUntil(provider);
    if (blockedUntil !== null) {
      await recordAttempt(deps.db, claimed, { status: 'released', nextAttemptAt: blockedUntil }, clock());
      deps.metrics.effectsExecuted.inc({ kind: row.kind, outcome: 'circuit_open' });
      return;
    }
    const rateKey = handler.rateLimitKey?.(ctx);
    // The row stays ours for as long as the wait and the provider call take (outbox-lease.ts).
    const leased = <T>(work: () => Promise<T>) =>
      keepLeased(
        claimed,
        {
          db: deps.db,
          leaseMs: options.leaseMs,
          clock,
          onRenewalFailed: (error) =>
            log.warn({ outboxId: row.id, kind: row.kind, err: error }, 'could not renew the effect lease'),
        },
        work,
      );

    let outcome;
    try {
      outcome = await leased(async () => {
        if (rateKey) {
          const perSecond =
            handler.ratePerSecond?.(ctx) ?? options.whatsappPerSecond ?? studio.whatsapp.messagesPerSecond;
          await limiter.acquire(rateKey, { perSecond });
        }
        return handler.execute(ctx);
      });
    } catch (caught) {
      if (caught instanceof DeferredEffect) {
        await recordAttempt(deps.db, claimed, { status: 'released', nextAttemptAt: caught.until }, clock());
        deps.metrics.effectsExecuted.inc({ kind: row.kind, outcome: 'deferred' });
        log.info({ outboxId: row.id, kind: row.kind, until: caught.until }, 'effect deferred');
        return;
      }
      const error = classify(caught);
      if (error.retryable) await breakers.failure(provider);
      else await breakers.success(provider); // the provider answered: it is up
      const maxAttempts = handler.maxAttempts ?? options.maxAttempts;
      if (!error.retryable || ctx.attempt >= maxAttempts) {
        await fail(claimed, ctx, handler, error, error.retryable);
        return;
      }
      const delay = retryDelay(ctx.attempt, options.backoff, error.retryAfterMs, options.random);
      // One clock read: the attempt's recorded time and its next attempt are exactly `delay` apart.
      const failedAt = clock();
      const nextAttemptAt = new Date(failedAt.getTime() + delay);
      await handler.onRetry?.(ctx, error, nextAttemptAt);
      await recordAttempt(
        deps.db,
        claimed,
        { status: 'retry', error: error.message, nextAttemptAt },
        failedAt,
      );
      deps.metrics.effectsExecuted.inc({ kind: row.kind, outcome: 'retry' });
      log.warn(
        { outboxId: row.id, kind: row.kind, attempt: ctx.attempt, delay, err: error },
        'effect will retry',
      );
      return;
    }
    await breakers.success(provider);
    const feedback = outcome.feedback ? envelopeFor(claimed, studio.id, outcome.feedback) : null;
    await complete(claimed, outcome.result, feedback);
  }

  // The backlog gauge is a count(*) over unfinished rows. Woken on every commit, the relay runs many small
  // batches; counting after each one doubled its queries under load (docs/performance.md). /metrics
  // refreshes the gauge on each scrape anyway, so here once a second is plenty.
  let backlogCountedAt = Number.NEGATIVE_INFINITY;
  const BACKLOG_REFRESH_MS = 1_000;

  async function claim(n: number): Promise<ClaimedRow[]> {
    const claimed = await claimDueRows(deps.db, clock(), n, options.leaseMs);
    const now = clock().getTime();
    if (now - backlogCountedAt >= BACKLOG_REFRESH_MS) {
      backlogCountedAt = now;
      deps.metrics.outboxBacklog.set(await outboxBacklog(deps.db));
    }
    return claimed;
  }

  // Recording itself failed (database down): the lease expires and the row is retried.
  const executeLogged = (c: ClaimedRow) =>
    execute(c).catch((error: unknown) => {
      log.error({ outboxId: c.row.id, err: error }, 'could not record effect outcome');
    });

  async function runOnce(): Promise<number> {
    const claimed = await claim(options.concurrency);
    await Promise.all(claimed.map(executeLogged));
    return claimed.length;
  }

  const pump = createRelayPump({
    claim,
    execute: executeLogged,
    concurrency: options.concurrency,
    intervalMs: options.pollIntervalMs,
    log,
  });
  return { runOnce, ...pump };
}
