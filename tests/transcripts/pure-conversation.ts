// The Conversation over the pure machine (xstate `transition()`), for fast scenario runs.
import type { Effect } from '../../src/domain/effects.ts';
import type { LeadEvent } from '../../src/domain/lead-events.ts';
import { LeadDriver } from '../machines/lead-driver.ts';
import type { ControlInput, Conversation, Line } from './conversation.ts';

export class PureConversation implements Conversation {
  readonly driver = new LeadDriver();
  #taken = 0;

  get now(): number {
    return this.driver.now;
  }

  text(body: string): Promise<void> {
    this.driver.text(body);
    return Promise.resolve();
  }

  image(mediaId: string, caption?: string): Promise<void> {
    this.driver.image(mediaId, caption);
    return Promise.resolve();
  }

  tap(id: string, title: string): Promise<void> {
    this.driver.tap(id, title);
    return Promise.resolve();
  }

  textSentAgo(body: string, ageMs: number): Promise<void> {
    this.driver.message({ kind: 'text', text: body }, new Date(this.driver.now - ageMs).toISOString());
    return Promise.resolve();
  }

  wait(ms: number): Promise<void> {
    this.driver.wait(ms);
    return Promise.resolve();
  }

  control(event: ControlInput): Promise<void> {
    this.driver.send({ ...event, at: this.driver.at } as LeadEvent);
    return Promise.resolve();
  }

  status(): Promise<string> {
    return Promise.resolve(this.driver.status);
  }

  answers(): Promise<Record<string, unknown>> {
    return Promise.resolve({ ...this.driver.context.answers });
  }

  take(): Promise<Line[]> {
    const lines = this.driver.log.slice(this.#taken);
    this.#taken = this.driver.log.length;
    return Promise.resolve(
      lines.filter((l): l is Line => l[0] === 'in' || l[0] === 'out').map(([d, t]) => [d, t]),
    );
  }

  effects<T extends Effect['type']>(type: T): Promise<Extract<Effect, { type: T }>[]> {
    return Promise.resolve(
      this.driver.allEffects.filter((e): e is Extract<Effect, { type: T }> => e.type === type),
    );
  }

  systemEvents(): Promise<string[]> {
    return Promise.resolve(
      this.driver.allEffects.flatMap((e) => (e.type === 'effect.system_event' ? [e.eventType] : [])),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
