// Notices within one process (the single-node bus): a topic → listeners map, delivered on the next tick so
// a notifier never runs its listeners' code inside its own call stack.
import type { NoticeTopic } from './bus.ts';

export class LocalNotices {
  readonly #listeners = new Map<NoticeTopic, Set<(payload: unknown) => void>>();

  notify(topic: NoticeTopic, payload: unknown): void {
    const listeners = this.#listeners.get(topic);
    if (!listeners) return;
    for (const listener of [...listeners]) queueMicrotask(() => listener(payload));
  }

  listen(topic: NoticeTopic, listener: (payload: unknown) => void): () => void {
    const listeners = this.#listeners.get(topic) ?? new Set();
    listeners.add(listener);
    this.#listeners.set(topic, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#listeners.delete(topic);
    };
  }
}
