// The host's live bookkeeping as ONE @xstate/store store: metrics and the admin API read it, tests
// subscribe to it. Updated once per batch (not per message) so it stays off the hot path.
import { createStore } from '@xstate/store';

export interface RuntimeState {
  /** Hydrated actors cached in memory (bounded by the LRU cap). */
  actorsInMemory: number;
  /** Messages handed to the host and not yet acked / parked / nak'd. */
  mailboxDepth: number;
  /** Leads with a batch under way right now. */
  leadsInFlight: number;
  /** Partitions this node consumes. */
  ownedPartitions: readonly number[];
  /** Counters since start, by outcome. */
  applied: number;
  duplicates: number;
  ignored: number;
  parked: number;
  deadLettered: number;
  conflicts: number;
}

const initial: RuntimeState = {
  actorsInMemory: 0,
  mailboxDepth: 0,
  leadsInFlight: 0,
  ownedPartitions: [],
  applied: 0,
  duplicates: 0,
  ignored: 0,
  parked: 0,
  deadLettered: 0,
  conflicts: 0,
};

export function createRuntimeStore() {
  return createStore({
    context: initial,
    on: {
      batchStarted: (ctx, e: { messages: number; leads: number }) => ({
        ...ctx,
        mailboxDepth: ctx.mailboxDepth + e.messages,
        leadsInFlight: ctx.leadsInFlight + e.leads,
      }),
      batchFinished: (
        ctx,
        e: {
          messages: number;
          leads: number;
          applied: number;
          duplicates: number;
          ignored: number;
          parked: number;
          deadLettered: number;
        },
      ) => ({
        ...ctx,
        mailboxDepth: ctx.mailboxDepth - e.messages,
        leadsInFlight: ctx.leadsInFlight - e.leads,
        applied: ctx.applied + e.applied,
        duplicates: ctx.duplicates + e.duplicates,
        ignored: ctx.ignored + e.ignored,
        parked: ctx.parked + e.parked,
        deadLettered: ctx.deadLettered + e.deadLettered,
      }),
      conflict: (ctx) => ({ ...ctx, conflicts: ctx.conflicts + 1 }),
      actorsChanged: (ctx, e: { count: number }) =>
        ctx.actorsInMemory === e.count ? ctx : { ...ctx, actorsInMemory: e.count },
      partitionsChanged: (ctx, e: { owned: readonly number[] }) => ({ ...ctx, ownedPartitions: e.owned }),
    },
  });
}

export type RuntimeStore = ReturnType<typeof createRuntimeStore>;
