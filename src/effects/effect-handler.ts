// What the relay needs from each kind of effect: which provider it calls (for the circuit breaker and the
// rate limiter), how to execute it, and what the lead should hear when it fails for good.
import type { z } from 'zod';
import type { OutboxEffect } from '../domain/effects.ts';
import type { effectResultSchema } from '../domain/lead-events.ts';
import type { SystemEventInput } from '../persistence/system-events.ts';
import type { Studio } from '../studio/studio-schema.ts';
import type { EffectError } from './effect-errors.ts';

type EffectResultEvent = z.infer<typeof effectResultSchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An effect-result event as a handler produces it; the relay adds `at` and `outboxId`. */
export type EffectFeedback = DistributiveOmit<EffectResultEvent, 'at' | 'outboxId'>;

/** What a handler calls: one circuit breaker per provider. SMS adapters name their provider. */
export type Provider =
  'whatsapp' | 'twilio' | 'openphone' | 'leadline' | 'stripe' | 'media' | 'database' | 'orchestrator';

export interface EffectContext<E extends OutboxEffect = OutboxEffect> {
  outboxId: string;
  leadId: string;
  effect: E;
  studio: Studio;
  /** 1 on the first attempt. */
  attempt: number;
  now: Date;
}

export interface EffectSuccess {
  /** Stored on the outbox row's `result`. */
  result: Record<string, unknown>;
  /** Fed back to the lead's actor as `effect:<outbox id>`. */
  feedback?: EffectFeedback;
}

export interface EffectFailure {
  /** Defaults to `effect.failed`. `null`: tell the lead nothing. */
  feedback?: EffectFeedback | null;
  /** Defaults to an `effect.failed` system event at level error. */
  systemEvent?: Omit<SystemEventInput, 'leadId'>;
}

export interface EffectHandler<E extends OutboxEffect = OutboxEffect> {
  provider: Provider;
  /** Overrides the relay's default attempt budget (media: 5). */
  maxAttempts?: number;
  /** Rate-limit bucket for this effect (WhatsApp: the sending phone number id; SMS: the sending number). */
  rateLimitKey?(ctx: EffectContext<E>): string | undefined;
  /**
   * Sends per second for that bucket. Absent or undefined: the studio's `whatsapp.messagesPerSecond` (or
   * the relay's `whatsappPerSecond` override).
   */
  ratePerSecond?(ctx: EffectContext<E>): number | undefined;
  /** The circuit breaker this effect counts against (default `provider`; SMS: provider and number). */
  breakerKey?(ctx: EffectContext<E>): string;
  execute(ctx: EffectContext<E>): Promise<EffectSuccess>;
  /** Called when a retryable failure will be retried at `nextAttemptAt`. */
  onRetry?(ctx: EffectContext<E>, error: EffectError, nextAttemptAt: Date): Promise<void>;
  /** Called once when the effect fails for good (permanent error or attempts exhausted). */
  onFailure?(ctx: EffectContext<E>, error: EffectError, exhausted: boolean): Promise<EffectFailure>;
}

export type EffectOf<K extends OutboxEffect['type']> = Extract<OutboxEffect, { type: K }>;

/** One handler per effect kind; `effect.message.send` goes to its channel's adapter (src/channels). */
export type EffectHandlers = {
  [K in Exclude<OutboxEffect['type'], 'effect.message.send'>]: EffectHandler<EffectOf<K>>;
};
