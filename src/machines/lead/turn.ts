// One transition's work: the context as it evolves and the effects emitted, in order. Sending goes
// through `say`, which asks the policy of the lead's channel whether free-form content may go out now
// (WhatsApp: within the 24-hour window, rule 6); when it may not, one template goes out and the content
// waits in `pending` until the lead replies. Messages go out on the channel of the lead's latest inbound
// message, to the address its policy read from that message. A template goes in the lead's language when
// known (else the studio's) with its body parameters filled from the lead (template-params.ts); a turn applying an inbound message marks its
// sends as direct replies to it (`inReplyTo`).
import { policyFor } from '../../channels/policies.ts';
import type { Effect, OutboundMessage } from '../../domain/effects.ts';
import type { Channel, TimerKey } from '../../domain/lead-events.ts';
import { fitText } from '../../domain/sanitize.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import type { LeadContext } from './lead-context.ts';
import { templateLanguage, templateParams } from './template-params.ts';

/** Held-back content is a resumption aid, not a mailbox: keep only the latest few messages. */
const MAX_PENDING = 5;

export type TemplateKind = 'resume' | 'reminder' | 'deposit';
type ArtistReason = 'approval' | 'handover' | 'needs_human' | 'booked' | 'info';

export function addMs(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

/** A text message; one quoting long answers is cut to what a channel can send. */
export function text(body: string): OutboundMessage {
  return { kind: 'text', text: fitText(body) };
}

function transcriptFor(message: OutboundMessage) {
  switch (message.kind) {
    case 'text':
      return { kind: 'text' as const, text: message.text };
    case 'template':
      return { kind: 'template' as const, text: null, data: { template: message.name } };
    case 'interactive':
      return { kind: 'interactive' as const, text: message.body, data: { options: message.options } };
  }
}

export class Turn {
  readonly studio: Studio;
  readonly at: string;
  context: LeadContext;
  readonly effects: Effect[] = [];
  /** The inbound message this turn applies: its sends are direct replies to it. */
  readonly inReplyTo: string | undefined;

  constructor(studio: Studio, context: LeadContext, at: string, inReplyTo?: string) {
    this.studio = studio;
    this.context = context;
    this.at = at;
    this.inReplyTo = inReplyTo;
  }

  update(patch: Partial<LeadContext>): void {
    this.context = { ...this.context, ...patch };
  }

  /** Whether the lead's channel lets free-form content go out now. */
  freeFormOpen(): boolean {
    const { channel, lastInboundAt, windowClosed } = this.context;
    if (channel === null) return false;
    return policyFor(channel).freeFormOpen(
      { lastInboundAt, closedByProvider: windowClosed },
      this.at,
      this.studio,
    );
  }

  /** Sends free-form messages when the channel allows; otherwise a template once and the content held back. */
  say(messages: readonly OutboundMessage[], template: TemplateKind = 'resume'): void {
    if (messages.length === 0 || this.context.replyTo === null) return;
    if (this.freeFormOpen()) {
      for (const message of messages) this.#send(message);
      this.update({ lastSent: [...messages] });
      return;
    }
    this.holdBack(messages, template);
  }

  /** Keeps content for when the lead replies, sending the template only for the first held message. */
  holdBack(messages: readonly OutboundMessage[], template: TemplateKind = 'resume'): void {
    if (this.context.pending.length === 0) {
      this.#send({
        kind: 'template',
        name: this.studio.templates[template],
        language: templateLanguage(this.studio, this.context.language),
        params: templateParams(template, this.studio, this.context),
      });
    }
    this.update({ pending: [...this.context.pending, ...messages].slice(-MAX_PENDING) });
  }

  sayText(...bodies: string[]): void {
    this.say(bodies.map(text));
  }

  #send(message: OutboundMessage): void {
    const { channel, replyTo } = this.context;
    if (channel === null || replyTo === null) return;
    if (message.kind === 'interactive') this.update({ offeredChoices: [...message.options] });
    this.sendTo(channel, replyTo, message, this.inReplyTo);
  }

  /**
   * One message to an address on a channel, outside the conversation's bookkeeping (no window check, no
   * `lastSent`): a channel's own answer to a message (SMS HELP), a direct reply to `inReplyTo`.
   */
  sendTo(
    channel: Channel,
    address: { to: string; from?: string | undefined },
    message: OutboundMessage,
    inReplyTo: string | undefined,
  ): void {
    this.effects.push({
      type: 'effect.message.send',
      studioId: this.studio.id,
      channel,
      to: address.to,
      ...(address.from === undefined ? {} : { from: address.from }),
      message,
      ...(inReplyTo === undefined ? {} : { inReplyTo }),
      transcript: transcriptFor(message),
    });
  }

  schedule(key: TimerKey, dueAt: string): void {
    this.effects.push({ type: 'effect.timer.schedule', key, dueAt });
    this.update({ timers: { ...this.context.timers, [key]: dueAt } });
  }

  cancel(...keys: TimerKey[]): void {
    for (const key of keys) {
      if (this.context.timers[key] === undefined) continue;
      this.effects.push({ type: 'effect.timer.cancel', key });
      this.fired(key);
    }
  }

  /** The firing of a timer this lead no longer expects (cancelled or replaced) changes nothing. */
  expectsTimer(key: TimerKey): boolean {
    return this.context.timers[key] !== undefined;
  }

  /** Forgets a timer that has just fired (the runtime deletes its row in the same commit). */
  fired(key: TimerKey): void {
    const timers = Object.fromEntries(Object.entries(this.context.timers).filter(([k]) => k !== key));
    this.update({ timers });
  }

  notifyArtist(reason: ArtistReason, body: string, withActionLinks = false): void {
    const artist = this.studio.artists[0];
    if (artist === undefined) return;
    this.effects.push({
      type: 'effect.artist.notify',
      studioId: this.studio.id,
      artistId: artist.id,
      reason,
      text: body,
      withActionLinks,
    });
  }

  systemEvent(level: 'info' | 'warn', eventType: string, payload: Record<string, unknown> = {}): void {
    this.effects.push({ type: 'effect.system_event', level, eventType, payload });
  }

  emit(effect: Effect): void {
    this.effects.push(effect);
  }
}
