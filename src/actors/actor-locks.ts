// The per-lead mailbox discipline: at most one batch (or retry pass) per lead at a time on this node.
// Locks of several leads are always taken in sorted order, so two batches can never deadlock.
export class ActorLocks {
  readonly #tails = new Map<string, Promise<void>>();

  async #acquire(leadId: string): Promise<() => void> {
    const previous = this.#tails.get(leadId) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(leadId, tail);
    await previous;
    return () => {
      release();
      if (this.#tails.get(leadId) === tail) this.#tails.delete(leadId);
    };
  }

  /** Runs `fn` holding the locks of every lead in `leadIds`. */
  async withLocks<T>(leadIds: Iterable<string>, fn: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const leadId of [...new Set(leadIds)].sort()) releases.push(await this.#acquire(leadId));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  get busy(): number {
    return this.#tails.size;
  }
}
