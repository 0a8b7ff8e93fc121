// Applies a lead's run of messages in order, in memory, with the pure `transition()`: duplicates are
// skipped, cancelled/replaced timers ignored, a failure parks the lead (or dead-letters the message) and
// everything the applied messages produce is gathered into LeadWrites for one commit.
import { randomUUID } from 'node:crypto';
import type { AnyMachineSnapshot } from 'xstate';
import type { Envelope } from '../domain/envelope.ts';
import { classifyFailure } from '../domain/failures.ts';
import type { ActorDefinition, ActorProjection } from './actor-definition.ts';
import type { HostHooks } from './host-hooks.ts';
import { hydrate } from './hydrate.ts';
import { pureInitialTransition, pureTransition } from './pure-transition.ts';
import { emptyWrites, transcriptWrite, type LeadWrites } from './lead-writes.ts';
import { pairKey, type BatchState, type LeadRowState } from './load-batch.ts';
import { errorText, nextRetryDelay, TerminalError } from './retry-policy.ts';
import { routeEffect } from './route-effects.ts';

export type Outcome =
  | 'applied'
  | 'duplicate'
  | 'ignored'
  | 'parked'
  | 'dead_lettered'
  | 'retry_scheduled'
  | 'waiting'
  /** Could not be committed (database trouble): nak for redelivery. */
  | 'uncommitted';

/**
 * Where a run's messages come from; it decides how a lead with parked messages (lead_retries) is treated.
 * - `bus`: fresh deliveries. A parked lead keeps its order: its new messages are parked behind the failing
 *   one, and a redelivery of a message already parked is a duplicate. Uncommitted: nak for redelivery.
 * - `retry`: the lead's parked messages themselves (retry-pass.ts), run again in order. Uncommitted: they
 *   stay parked (`waiting`) for the next pass.
 */
export type RunMode = 'bus' | 'retry';

export interface RunMessage {
  envelope: Envelope;
  /** The envelope as received, kept verbatim in lead_retries / dead_letters. */
  raw: unknown;
  /** Why the envelope is unusable (failed schema): dead-lettered at once. */
  invalid?: string;
  /** Set when the message comes from lead_retries. */
  retrySeq?: string;
  retryAttempts?: number;
}

export interface ActorRunInput {
  leadId: string;
  definition: ActorDefinition | undefined;
  /** Cached live state, or undefined to hydrate from `row` (or start fresh). */
  cached: { snapshot: AnyMachineSnapshot; version: number } | undefined;
  row: LeadRowState | undefined;
  state: BatchState;
  replayOriginals: ReadonlyMap<string, string>;
  mode: RunMode;
  now: Date;
  retryDelaysMs: readonly number[];
  hooks: HostHooks;
  /**
   * Messages whose writes could not be committed, with the commit's error: fail them instead of applying
   * (dead-lettered at once when the error is permanent, else parked for retry).
   */
  failing?: ReadonlyMap<string, unknown>;
}

export interface ActorRunResult {
  writes: LeadWrites;
  outcomes: Outcome[];
  /** The live state after the run (commit it to cache only after the transaction commits). */
  next: { snapshot: AnyMachineSnapshot; version: number } | undefined;
}

interface Working {
  snapshot: AnyMachineSnapshot;
  version: number;
  projection: ActorProjection | undefined;
}

function effectsOf(actions: readonly { type: string; params?: unknown }[]): unknown[] {
  const effects: unknown[] = [];
  for (const action of actions) {
    if (action.type !== 'xstate.emit') continue;
    const params = action.params as { event?: unknown } | undefined;
    effects.push(params?.event);
  }
  return effects;
}

function mergeWrites(into: LeadWrites, from: LeadWrites): void {
  into.processed.push(...from.processed);
  into.transcript.push(...from.transcript);
  into.outbox.push(...from.outbox);
  into.consumedTimerIds.push(...from.consumedTimerIds);
  for (const [key, timer] of from.timers) into.timers.set(key, timer);
  into.systemEvents.push(...from.systemEvents);
  for (const [id, status] of from.deliveries) into.deliveries.set(id, status);
  for (const [id, error] of from.deliveryErrors) into.deliveryErrors.set(id, error);
  for (const identifier of from.identifiers) {
    const known = into.identifiers.some((i) => i.type === identifier.type && i.value === identifier.value);
    if (!known) into.identifiers.push(identifier);
  }
}

export function runActor(input: ActorRunInput, messages: readonly RunMessage[]): ActorRunResult {
  const { leadId, definition, state, hooks } = input;
  const first = messages[0]?.envelope;
  const writes = emptyWrites(
    leadId,
    definition?.actorType ?? first?.actorType ?? 'lead',
    first?.studioId ?? '',
  );
  const startVersion = input.cached?.version ?? input.row?.version ?? 0;
  let working: Working | undefined = input.cached ? { ...input.cached, projection: undefined } : undefined;
  // Effects of the initial transition and hydration records join the first message that applies.
  let pending: LeadWrites | undefined;
  let parking = input.mode === 'bus' && state.parked.has(leadId);
  const alreadyParked = state.parked.get(leadId);
  const seen = new Set<string>();
  const touchedTimerKeys = new Set<string>();
  const outcomes: Outcome[] = [];
  let stopped = false;

  const ensureWorking = (envelope: Envelope, def: ActorDefinition): Working => {
    if (working) return working;
    pending = emptyWrites(leadId, writes.actorType, writes.studioId);
    if (input.row && input.row.snapshot !== null) {
      const hydrated = hydrate(def, leadId, input.row, envelope);
      pending.systemEvents.push(...hydrated.events);
      working = { snapshot: hydrated.snapshot, version: input.row.version, projection: undefined };
    } else {
      // No row, or a row written without a snapshot (an imported contact, src/campaigns/contact-import.ts):
      // the lead starts from the machine's initial state, and the commit is fenced on the row's version.
      const [snapshot, actions] = pureInitialTransition(def.machine, def.inputFor(envelope));
      const context = { at: envelope.event.at, traceId: envelope.traceId ?? null, envelopeId: envelope.id };
      for (const effect of effectsOf(actions)) routeEffect(pending, effect, context);
      working = { snapshot, version: input.row?.version ?? 0, projection: undefined };
    }
    return working;
  };

  const apply = (message: RunMessage, originalId: string | undefined): void => {
    const { envelope } = message;
    if (message.invalid !== undefined) throw new TerminalError(`invalid envelope: ${message.invalid}`);
    if (definition?.actorType !== envelope.actorType) {
      throw new TerminalError(`unknown actorType "${envelope.actorType}" for this lead`);
    }
    const current = ensureWorking(envelope, definition);
    if (input.failing?.has(envelope.id) === true) {
      const failure = input.failing.get(envelope.id);
      throw new Error(`commit failed: ${errorText(failure)}`, { cause: failure });
    }
    hooks.beforeApply?.(envelope);
    const event = definition.eventFor(envelope, current.snapshot);
    const [next, actions] = pureTransition(definition.machine, current.snapshot, event);
    if (next.status === 'error') throw next.error;
    hooks.afterApply?.(leadId, definition.machine, next, event);
    const projection = definition.project(next);
    const scratch = emptyWrites(leadId, writes.actorType, writes.studioId);
    const context = { at: envelope.event.at, traceId: envelope.traceId ?? null, envelopeId: envelope.id };
    for (const effect of effectsOf(actions)) routeEffect(scratch, effect, context);
    const version = current.version + 1;
    scratch.processed.push({ messageId: envelope.id, version });
    if (originalId !== undefined) scratch.processed.push({ messageId: originalId, version });
    scratch.identifiers.push(...(definition.identifiersOf?.(envelope) ?? []));
    if (envelope.transcript) {
      scratch.transcript.unshift(transcriptWrite(envelope.transcript, 'in', null, envelope.event.at));
    }
    if (pending) {
      mergeWrites(writes, pending);
      pending = undefined;
    }
    mergeWrites(writes, scratch);
    working = { snapshot: next, version, projection };
  };

  for (const message of messages) {
    const { envelope } = message;
    const markDone = () => {
      if (message.retrySeq !== undefined) writes.retriesDone.push(message.retrySeq);
    };
    if (stopped) {
      outcomes.push('waiting');
      continue;
    }
    const originalId =
      envelope.replayOf === undefined ? undefined : input.replayOriginals.get(envelope.replayOf);
    const ids = originalId === undefined ? [envelope.id] : [envelope.id, originalId];
    if (ids.some((id) => seen.has(id) || state.processed.has(pairKey(leadId, id)))) {
      outcomes.push('duplicate');
      markDone();
      continue;
    }
    if (state.deadLettered.has(pairKey(leadId, envelope.id))) {
      outcomes.push('duplicate');
      markDone();
      continue;
    }
    if (input.mode === 'bus' && alreadyParked?.has(envelope.id)) {
      outcomes.push('duplicate');
      continue;
    }
    if (parking) {
      writes.park.push({
        messageId: envelope.id,
        envelope: message.raw,
        attempts: 0,
        lastError: null,
        nextAttemptAt: input.now,
      });
      outcomes.push('parked');
      continue;
    }
    const event = envelope.event as { type: string; key?: unknown; timerId?: unknown };
    if (event.type === 'timer.fired') {
      const key = String(event.key);
      const live = state.liveTimers.has(pairKey(leadId, String(event.timerId)));
      if (!live || touchedTimerKeys.has(key)) {
        outcomes.push('ignored');
        markDone();
        continue;
      }
    }
    try {
      apply(message, originalId);
      for (const id of ids) seen.add(id);
      if (event.type === 'timer.fired') {
        // Consumed: a second firing of this key later in the run is stale.
        writes.consumedTimerIds.push(String(event.timerId));
        touchedTimerKeys.add(String(event.key));
      }
      for (const key of writes.timers.keys()) touchedTimerKeys.add(key);
      outcomes.push('applied');
      markDone();
    } catch (error) {
      const attempts = (message.retryAttempts ?? 0) + 1;
      const failure = classifyFailure(error);
      const terminal = failure.class === 'permanent';
      const delay = terminal ? undefined : nextRetryDelay(input.retryDelaysMs, attempts);
      const lastError = errorText(error);
      if (delay === undefined) {
        const id = randomUUID();
        writes.deadLetters.push({
          id,
          messageId: envelope.id,
          envelope: message.raw,
          error: lastError,
          attempts,
        });
        writes.systemEvents.push({
          level: 'error',
          type: 'runtime.dead_letter',
          leadId,
          payload: {
            deadLetterId: id,
            messageId: envelope.id,
            error: lastError,
            attempts,
            terminal,
            failureClass: failure.class,
            cause: failure.cause,
          },
        });
        outcomes.push('dead_lettered');
        markDone();
        continue;
      }
      const nextAttemptAt = new Date(input.now.getTime() + delay);
      if (message.retrySeq !== undefined) {
        writes.retryHead = { seq: message.retrySeq, attempts, lastError, nextAttemptAt };
        outcomes.push('retry_scheduled');
        stopped = true;
      } else {
        writes.park.push({
          messageId: envelope.id,
          envelope: message.raw,
          attempts,
          lastError,
          nextAttemptAt,
        });
        outcomes.push('parked');
        parking = true;
      }
    }
  }

  const final = working;
  if (final && definition && final.version > startVersion) {
    writes.lead = {
      // A lead with a row (or cached from one) is updated, fenced on its version; only a lead without one
      // is inserted (and loses to a concurrent insert).
      expectedVersion: input.row === undefined && input.cached === undefined ? null : startVersion,
      newVersion: final.version,
      persisted: definition.machine.getPersistedSnapshot(final.snapshot),
      machineId: definition.machine.id,
      machineVersion: definition.machineVersion,
      projection: final.projection ?? definition.project(final.snapshot),
    };
  }
  return { writes, outcomes, next: final ? { snapshot: final.snapshot, version: final.version } : undefined };
}
