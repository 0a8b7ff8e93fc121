// The reply path, gateway side: one notice topic per gateway process (`replies.<node id>`), named in the
// envelopes it publishes as `replyTo`. The actor host that commits such an envelope notifies the topic
// (core NATS in distributed mode, in process in single-node mode), and the waiter of that envelope id
// resolves. A waiter is registered before its envelope is published, so no notice can come too early.
import { randomBytes } from 'node:crypto';
import type { Bus } from '../bus/bus.ts';
import { commitNoticeSchema, type CommitNotice } from '../domain/commit-notice.ts';

export class ReplyWaiters {
  readonly topic: string;
  readonly #bus: Bus;
  readonly #waiting = new Map<string, Set<(notice: CommitNotice | null) => void>>();
  #unlisten: (() => void) | undefined;

  constructor(bus: Bus) {
    this.#bus = bus;
    this.topic = `replies.${randomBytes(8).toString('hex')}`;
  }

  /**
   * Starts waiting for `envelopeId`; the promise resolves with its notice, or null after `timeoutMs` (or
   * once `signal` aborts: the caller learned the outcome another way).
   */
  expect(envelopeId: string, timeoutMs: number, signal?: AbortSignal): Promise<CommitNotice | null> {
    this.#unlisten ??= this.#bus.listen(this.topic, (payload) => {
      const notice = commitNoticeSchema.safeParse(payload);
      if (notice.success) this.#settle(notice.data.envelopeId, notice.data);
    });
    return new Promise((resolve) => {
      const waiters = this.#waiting.get(envelopeId) ?? new Set();
      const timer = setTimeout(() => done(null), timeoutMs);
      const done = (notice: CommitNotice | null) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiting.get(envelopeId) === waiters) this.#waiting.delete(envelopeId);
        resolve(notice);
      };
      waiters.add(done);
      this.#waiting.set(envelopeId, waiters);
      signal?.addEventListener('abort', () => done(null), { once: true });
    });
  }

  #settle(envelopeId: string, notice: CommitNotice): void {
    for (const done of [...(this.#waiting.get(envelopeId) ?? [])]) done(notice);
  }

  /** Resolves every waiter with null (shutdown) and stops listening. */
  close(): void {
    for (const id of [...this.#waiting.keys()]) {
      for (const done of [...(this.#waiting.get(id) ?? [])]) done(null);
    }
    this.#unlisten?.();
    this.#unlisten = undefined;
  }
}
