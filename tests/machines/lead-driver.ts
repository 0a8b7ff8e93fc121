// Drives the lead machine with the pure `transition()` (no actors, no runtime) and keeps a readable log of
// the conversation: [direction, text] pairs, plus every emitted effect.
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { Effect } from '../../src/domain/effects.ts';
import type { InboundContent, LeadEvent, TimerKey } from '../../src/domain/lead-events.ts';
import { createLeadMachine, type LeadMachine } from '../../src/machines/lead/lead-machine.ts';
import { statusOf } from '../../src/machines/lead/lead-status.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import type { StudioConfig } from '../../src/studio/studio-schema.ts';
import { testIso } from '../helpers/test-clock.ts';

export const LEAD_PHONE = '+447700900123';
/** Monday 23 November 2026, 09:00 UTC. */
export const START = Date.parse(testIso('2026-11-23T09:00:00.000Z'));
export const HOUR = 3_600_000;

export type LogLine = [direction: 'in' | 'out' | 'artist' | 'system', text: string];

export function emittedEffects(actions: readonly { type: string; params?: unknown }[]): Effect[] {
  return actions.filter((a) => a.type === 'xstate.emit').map((a) => (a.params as { event: Effect }).event);
}

/**
 * An interactive message as a transcript line: its body, then the titles of its choices (buttons or list
 * rows), so golden conversations show what the lead can tap as well as what they read.
 */
export function withChoices(body: string, options: readonly { title: string }[]): string {
  return `${body}\n[choices: ${options.map((o) => o.title).join(' | ')}]`;
}

export function describeEffect(effect: Effect): LogLine | null {
  switch (effect.type) {
    case 'effect.message.send': {
      const m = effect.message;
      if (m.kind === 'text') return ['out', m.text];
      if (m.kind === 'template') return ['out', `[template ${m.name}]`];
      return ['out', withChoices(m.body, m.options)];
    }
    case 'effect.artist.notify':
      return ['artist', `${effect.reason}: ${effect.text}`];
    case 'effect.system_event':
      return ['system', effect.eventType];
    default:
      return null;
  }
}

export interface Step {
  before: SnapshotFrom<LeadMachine>;
  event: LeadEvent;
  after: SnapshotFrom<LeadMachine>;
  effects: Effect[];
}

export class LeadDriver {
  /** Called after every transition (property tests check their invariant here). */
  readonly observers: ((step: Step) => void)[] = [];
  readonly machine: LeadMachine;
  snapshot: SnapshotFrom<LeadMachine>;
  now = START;
  readonly log: LogLine[] = [];
  /** Effects of the latest event only. */
  effects: Effect[] = [];
  readonly allEffects: Effect[] = [];
  #seq = 0;

  constructor(config: StudioConfig = demoStudioConfig, studioId = 'inkwell') {
    this.machine = createLeadMachine(new StudioRegistry(config));
    [this.snapshot] = initialTransition(this.machine, { studioId, phone: LEAD_PHONE, name: null });
  }

  get status(): string {
    return statusOf(this.snapshot.value);
  }

  get context() {
    return this.snapshot.context;
  }

  get at(): string {
    return new Date(this.now).toISOString();
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  send(event: LeadEvent): Effect[] {
    const before = this.snapshot;
    const [next, actions] = transition(this.machine, this.snapshot, event);
    this.snapshot = next;
    this.effects = emittedEffects(actions);
    for (const observe of this.observers) observe({ before, event, after: next, effects: this.effects });
    this.allEffects.push(...this.effects);
    for (const effect of this.effects) {
      const line = describeEffect(effect);
      if (line) this.log.push(line);
    }
    return this.effects;
  }

  message(content: InboundContent, sentAt = this.at): Effect[] {
    this.#seq += 1;
    const text =
      content.kind === 'text'
        ? content.text
        : content.kind === 'interactive' || content.kind === 'button'
          ? content.title
          : `[${content.kind}]`;
    this.log.push(['in', text]);
    return this.send({
      type: 'message.received',
      channel: 'whatsapp',
      provider: 'meta',
      at: this.at,
      messageId: `wamid.${this.#seq}`,
      from: [{ type: 'phone', value: LEAD_PHONE }],
      profileName: 'Alex',
      sentAt,
      content,
    });
  }

  text(body: string): Effect[] {
    return this.message({ kind: 'text', text: body });
  }

  /** A tap on a reply button or list row of a message the lead was sent. */
  tap(id: string, title: string): Effect[] {
    return this.message({ kind: 'interactive', id, title });
  }

  image(mediaId: string, caption?: string): Effect[] {
    return this.message({ kind: 'image', mediaId, mimeType: 'image/jpeg', ...(caption ? { caption } : {}) });
  }

  /** Fires a timer now, as the scheduler would once it is due (only if the lead still has it). */
  fire(key: TimerKey): Effect[] {
    const dueAt = this.context.timers[key];
    if (dueAt === undefined) throw new Error(`no live ${key} timer`);
    return this.send({ type: 'timer.fired', at: this.at, key, timerId: `timer-${key}-${dueAt}` });
  }

  /**
   * Lets time pass and fires the timers due by then, like the scheduler: every due timer is published at
   * once (at = now), and a firing whose timer was cancelled or replaced meanwhile is ignored by the host.
   */
  wait(ms: number): void {
    this.now += ms;
    const due = Object.entries(this.context.timers)
      .filter(([, dueAt]) => Date.parse(dueAt) <= this.now)
      .sort(([, a], [, b]) => Date.parse(a) - Date.parse(b));
    for (const [key, dueAt] of due) {
      if (this.context.timers[key as TimerKey] === dueAt) this.fire(key as TimerKey);
    }
  }

  control(event: { type: string } & Record<string, unknown>): Effect[] {
    return this.send({ ...event, at: this.at } as LeadEvent);
  }

  /** Clears the log (to compare the next exchange only). */
  take(): LogLine[] {
    return this.log.splice(0, this.log.length);
  }

  answerAll(): void {
    for (const body of ['hi', 'A fox on a branch', 'left forearm', '10x15cm', 'realism', 'none', '£300']) {
      this.text(body);
    }
  }
}
