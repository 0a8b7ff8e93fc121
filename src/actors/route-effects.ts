// Routes a machine's emitted effects into the commit (docs/internals.md "Effects"): timers and system
// events and delivery statuses are handled by the runtime, everything else becomes an outbox row (plus an
// outbound transcript row when the effect carries `transcript`). Runtime-handled effects are validated
// here, so a malformed one fails the message (and is retried / dead-lettered) instead of the commit.
import { randomUUID } from 'node:crypto';
import {
  systemEventEffectSchema,
  timerCancelEffectSchema,
  timerScheduleEffectSchema,
  transcriptDeliveryEffectSchema,
} from '../domain/effects.ts';
import { transcriptEntrySchema } from '../domain/transcript.ts';
import { laterDeliveryStatus } from '../persistence/delivery-status.ts';
import { transcriptWrite, type LeadWrites } from './lead-writes.ts';
import { TerminalError } from './retry-policy.ts';

const outboundTranscriptSchema = transcriptEntrySchema.omit({ direction: true });

export interface EffectContext {
  at: string;
  traceId: string | null;
  /** The envelope being applied: recorded on its outbox rows (what a message's sender asks about). */
  envelopeId: string;
}

/**
 * A malformed effect is a bug in the machine that emitted it, which a deploy may fix: a transient failure
 * (retried with backoff), unlike a zod failure of an inbound or stored payload (src/domain/failures.ts).
 */
function emitted<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Error } },
  effect: unknown,
  type: string,
): T {
  const parsed = schema.safeParse(effect);
  if (parsed.success) return parsed.data;
  throw new Error(`emitted effect ${type} is malformed: ${parsed.error.message}`);
}

export function routeEffect(writes: LeadWrites, effect: unknown, context: EffectContext): void {
  if (typeof effect !== 'object' || effect === null || !('type' in effect)) {
    throw new Error(`emitted effect has no type: ${JSON.stringify(effect)}`);
  }
  const { type } = effect;
  switch (type) {
    case 'effect.timer.schedule': {
      const timer = emitted(timerScheduleEffectSchema, effect, type);
      writes.timers.set(timer.key, { id: randomUUID(), dueAt: timer.dueAt });
      return;
    }
    case 'effect.timer.cancel':
      writes.timers.set(emitted(timerCancelEffectSchema, effect, type).key, null);
      return;
    case 'effect.system_event': {
      const event = emitted(systemEventEffectSchema, effect, type);
      writes.systemEvents.push({
        level: event.level,
        type: event.eventType,
        leadId: writes.leadId,
        payload: event.payload,
        at: new Date(context.at),
      });
      return;
    }
    case 'effect.transcript.delivery': {
      const { providerMessageId, status, error } = emitted(transcriptDeliveryEffectSchema, effect, type);
      writes.deliveries.set(
        providerMessageId,
        laterDeliveryStatus(writes.deliveries.get(providerMessageId), status),
      );
      if (status === 'failed' && error !== undefined) writes.deliveryErrors.set(providerMessageId, error);
      return;
    }
    default:
      if (typeof type !== 'string' || !type.startsWith('effect.')) {
        throw new Error(`emitted event "${String(type)}" is not an effect.*`);
      }
      routeOutboxEffect(writes, type, effect, context);
  }
}

function routeOutboxEffect(
  writes: LeadWrites,
  kind: string,
  effect: Record<string, unknown>,
  context: EffectContext,
): void {
  const id = randomUUID();
  writes.outbox.push({
    id,
    kind,
    payload: effect,
    traceId: context.traceId,
    envelopeId: context.envelopeId,
  });
  if (effect.transcript === undefined) return;
  const parsed = outboundTranscriptSchema.safeParse(effect.transcript);
  if (!parsed.success) throw new TerminalError(`effect ${kind} has a malformed transcript`);
  writes.transcript.push(transcriptWrite(parsed.data, 'out', id, context.at));
}
