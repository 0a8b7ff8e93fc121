// One way to hold a conversation with a lead, whatever runs it: the pure machine (tests/machines) or the
// real single-node runtime with PostgreSQL (tests/transcripts). Golden scenarios are written once against
// this interface and run on both.
import type { Effect } from '../../src/domain/effects.ts';

export type Line = [direction: 'in' | 'out', text: string];

export interface ControlInput {
  type: string;
  [field: string]: unknown;
}

export interface Conversation {
  /** The conversation clock (ms since epoch). */
  readonly now: number;
  text(body: string): Promise<void>;
  image(mediaId: string, caption?: string): Promise<void>;
  /** A tap on a reply button or list row (WhatsApp `interactive` reply: our id, the title shown). */
  tap(id: string, title: string): Promise<void>;
  /** A message whose provider timestamp is `ageMs` older than its arrival (late webhook). */
  textSentAgo(body: string, ageMs: number): Promise<void>;
  /** Lets time pass; the timers due by then fire, as the scheduler would. */
  wait(ms: number): Promise<void>;
  /** A control event or an effect result (the relay's job in production). */
  control(event: ControlInput): Promise<void>;
  status(): Promise<string>;
  answers(): Promise<Record<string, unknown>>;
  /**
   * [in|out, text] lines since the previous call, in conversation order. An interactive message is its body
   * and then `[choices: title | …]` (tests/machines/lead-driver.ts `withChoices`); a tap is its title.
   */
  take(): Promise<Line[]>;
  /** Effects of one type emitted so far (outbox payloads / system events). */
  effects<T extends Effect['type']>(type: T): Promise<Extract<Effect, { type: T }>[]>;
  /** System event types recorded so far. */
  systemEvents(): Promise<string[]>;
  close(): Promise<void>;
}
