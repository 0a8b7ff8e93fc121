// Effect outcomes go back to the lead's actor as ordinary envelopes on its ordered stream. The id
// `effect:<outbox id>` makes a re-published outcome (relay crash between publish and commit) harmless.
import type { Envelope } from '../domain/envelope.ts';
import type { EffectFeedback } from './effect-handler.ts';

export function feedbackEnvelope(input: {
  outboxId: string;
  leadId: string;
  studioId: string;
  traceId: string | null;
  feedback: EffectFeedback;
  now: Date;
  /** A waiting gateway's notice topic the effect carried (the orchestrator's answer to an API message). */
  replyTo?: string | undefined;
}): Envelope {
  const at = input.now.toISOString();
  return {
    id: `effect:${input.outboxId}`,
    leadId: input.leadId,
    actorType: 'lead',
    studioId: input.studioId,
    acceptedAt: at,
    ...(input.traceId ? { traceId: input.traceId } : {}),
    ...(input.replyTo === undefined ? {} : { replyTo: input.replyTo }),
    event: { ...input.feedback, outboxId: input.outboxId, at },
  };
}

export function effectFailedFeedback(effectType: string, reason: string): EffectFeedback {
  return { type: 'effect.failed', effectType, reason };
}
