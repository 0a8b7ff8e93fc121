// The processing loop, written once (STYLE "Runtime"): load → hydrate/migrate → pure transitions →
// one fenced transaction for all leads of a batch → (caller acks). On a fencing conflict the losing leads
// are reloaded and committed alone, so one bad lead never fails the others.
import type { Logger } from 'pino';
import { isPermanent } from '../domain/failures.ts';
import type { Db } from '../persistence/database.ts';
import type { ActorDefinition } from './actor-definition.ts';
import { ActorCache } from './actor-cache.ts';
import { commitWrites, FencingConflict } from './commit-writes.ts';
import type { HostHooks } from './host-hooks.ts';
import { runActor, type ActorRunResult, type Outcome, type RunMessage, type RunMode } from './actor-run.ts';
import type { LeadWrites } from './lead-writes.ts';
import { loadBatchState, loadReplayOriginals } from './load-batch.ts';

export interface ActorBatchItem {
  leadId: string;
  messages: RunMessage[];
}

/** Per lead: the outcome of each message, or null when nothing could be committed (nak and retry later). */
export type ActorResults = Map<string, Outcome[] | null>;

export interface ActorProcessorOptions {
  db: Db;
  definitions: ReadonlyMap<string, ActorDefinition>;
  cache: ActorCache;
  retryDelaysMs: readonly number[];
  hooks: HostHooks;
  logger: Logger;
  onConflict: () => void;
  /** Called after a commit that wrote outbox rows (the relay is woken instead of waiting for its poll). */
  onOutboxWritten?: () => void;
}

const MAX_ALONE_ATTEMPTS = 5;

function hasWrites(w: LeadWrites): boolean {
  return (
    w.lead !== null ||
    w.park.length > 0 ||
    w.deadLetters.length > 0 ||
    w.retriesDone.length > 0 ||
    w.retryHead !== null ||
    w.systemEvents.length > 0
  );
}

export class ActorProcessor {
  readonly #o: ActorProcessorOptions;

  constructor(options: ActorProcessorOptions) {
    this.#o = options;
  }

  async #run(
    items: readonly ActorBatchItem[],
    mode: RunMode,
    now: Date,
    failing?: ReadonlyMap<string, unknown>,
  ): Promise<ActorRunResult[]> {
    const { db, cache, definitions } = this.#o;
    const replayIds = items.flatMap((i) => i.messages.flatMap((m) => m.envelope.replayOf ?? []));
    const replayOriginals = await loadReplayOriginals(db, replayIds);
    const messages = items.flatMap((i) =>
      i.messages.flatMap((m) => {
        const original =
          m.envelope.replayOf === undefined ? undefined : replayOriginals.get(m.envelope.replayOf);
        const ids = original === undefined ? [m.envelope.id] : [m.envelope.id, original];
        return ids.map((messageId) => ({ leadId: i.leadId, messageId }));
      }),
    );
    const timers = items.flatMap((i) =>
      i.messages.flatMap((m) => {
        const event = m.envelope.event as { type: string; timerId?: unknown };
        return event.type === 'timer.fired' ? [{ leadId: i.leadId, timerId: String(event.timerId) }] : [];
      }),
    );
    const state = await loadBatchState(db, {
      leadIds: items.map((i) => i.leadId),
      loadRows: items.filter((i) => cache.get(i.leadId) === undefined).map((i) => i.leadId),
      messages,
      timers,
    });
    return items.map((item) => {
      // The lead's machine: its cached actor's type, else that of its first usable message.
      const actorType =
        cache.get(item.leadId)?.actorType ??
        item.messages.find((m) => m.invalid === undefined && definitions.has(m.envelope.actorType))?.envelope
          .actorType;
      return runActor(
        {
          leadId: item.leadId,
          definition: actorType === undefined ? undefined : definitions.get(actorType),
          cached: cache.get(item.leadId),
          row: state.rows.get(item.leadId),
          state,
          replayOriginals,
          mode,
          now,
          retryDelaysMs: this.#o.retryDelaysMs,
          hooks: this.#o.hooks,
          ...(failing ? { failing } : {}),
        },
        item.messages,
      );
    });
  }

  async #commit(runs: readonly ActorRunResult[], at: Date): Promise<void> {
    const writes = runs.map((r) => r.writes).filter(hasWrites);
    if (writes.length > 0) await this.#o.db.transaction().execute((tx) => commitWrites(tx, writes, at));
    if (writes.some((w) => w.outbox.length > 0)) this.#o.onOutboxWritten?.();
    const now = Date.now();
    for (const run of runs) {
      const { leadId, actorType, studioId } = run.writes;
      const cached = this.#o.cache.get(leadId);
      if (run.writes.lead && run.next) {
        this.#o.cache.put({ leadId, actorType, studioId, ...run.next, lastUsedAt: now }, now);
      } else if (cached) this.#o.cache.put(cached, now);
    }
  }

  /** Processes many leads' runs with one transaction; conflicting or failing leads fall back to alone. */
  async processBatch(items: readonly ActorBatchItem[], mode: RunMode, now: Date): Promise<ActorResults> {
    const results: ActorResults = new Map();
    const alone: ActorBatchItem[] = [];
    let runs: ActorRunResult[];
    try {
      runs = await this.#run(items, mode, now);
    } catch (error) {
      // One lead's run threw outside its messages' handling: run each lead alone, so only it fails.
      this.#o.logger.warn({ err: error }, 'batch run failed; running leads one by one');
      runs = [];
      alone.push(...items);
    }
    for (let attempt = 0; runs.length > 0; attempt++) {
      try {
        await this.#commit(runs, now);
        for (const run of runs) results.set(run.writes.leadId, run.outcomes);
        break;
      } catch (error) {
        if (!(error instanceof FencingConflict) || attempt >= 2) {
          this.#o.logger.warn({ err: error }, 'batch commit failed; committing leads one by one');
          alone.push(...items.filter((i) => runs.some((r) => r.writes.leadId === i.leadId)));
          break;
        }
        this.#o.onConflict();
        const lost = new Set(error.leadIds);
        for (const leadId of lost) this.#o.cache.delete(leadId);
        alone.push(...items.filter((i) => lost.has(i.leadId)));
        runs = runs.filter((r) => !lost.has(r.writes.leadId));
      }
    }
    for (const item of alone) results.set(item.leadId, await this.processAlone(item, mode, now));
    return results;
  }

  /** Commits one lead alone, reloading after each lost race; the commit error when it keeps failing. */
  async #alone(
    item: ActorBatchItem,
    mode: RunMode,
    now: Date,
    failing?: ReadonlyMap<string, unknown>,
  ): Promise<Outcome[] | { error: unknown }> {
    let errors = 0;
    for (let attempt = 1; attempt <= MAX_ALONE_ATTEMPTS; attempt++) {
      try {
        const runs = await this.#run([item], mode, now, failing);
        await this.#commit(runs, now);
        return runs[0]?.outcomes ?? [];
      } catch (error) {
        this.#o.cache.delete(item.leadId);
        if (error instanceof FencingConflict) {
          this.#o.onConflict();
          continue;
        }
        this.#o.logger.error({ err: error, leadId: item.leadId, attempt }, 'lead commit failed');
        // A permanent failure repeats identically: no second attempt of the same writes.
        if (++errors >= 2 || isPermanent(error)) return { error };
      }
    }
    return { error: new Error(`lead ${item.leadId} kept losing the fencing race`) };
  }

  /**
   * One lead in its own transaction. When its writes keep failing to commit (e.g. an effect the database
   * rejects), its messages are committed one per transaction to find the culprit, which is failed like a
   * throwing machine (parked for retry, then dead-lettered): one bad message never blocks its partition.
   * Returns null when nothing could be committed (database unreachable): the caller naks everything.
   */
  async processAlone(item: ActorBatchItem, mode: RunMode, now: Date): Promise<Outcome[] | null> {
    const whole = await this.#alone(item, mode, now);
    if (Array.isArray(whole)) return whole;
    const outcomes: Outcome[] = [];
    for (const message of item.messages) {
      if (outcomes.includes('retry_scheduled') || outcomes.includes('uncommitted')) {
        outcomes.push(mode === 'retry' ? 'waiting' : 'uncommitted');
        continue;
      }
      const single = { leadId: item.leadId, messages: [message] };
      let result = await this.#alone(single, mode, now);
      if (!Array.isArray(result)) {
        result = await this.#alone(single, mode, now, new Map([[message.envelope.id, result.error]]));
      }
      outcomes.push(...(Array.isArray(result) ? result : ['uncommitted' as const]));
    }
    return outcomes.every((o) => o === 'uncommitted') ? null : outcomes;
  }
}
