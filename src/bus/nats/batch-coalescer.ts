// Merges the batches of many partition consumers into fewer, larger handler calls. Each owned partition
// has its own pull consumer and hands over one batch at a time; given straight to the host, 16 partitions
// at moderate load become 16 small transactions committing side by side, which costs more than it saves
// (round trips and WAL flushes per commit, lock waits between them). Here at most `maxConcurrent` handler
// calls run at once; batches that arrive meanwhile wait and go together in the next call. At light load a
// batch goes at once (nothing to wait for), so latency stays low; under load the calls grow.
//
// Per-partition guarantees are unchanged: a partition consumer submits its next batch only after the
// promise of its previous one resolved, so one partition (and so one lead) is never in two calls at once,
// and each call's deliveries keep their stream order within a partition.
import type { Delivery, DeliveryHandler } from '../bus.ts';

export interface BatchCoalescerOptions {
  /** Handler calls in flight at once (default 2: one commits while the next is being prepared). */
  maxConcurrent?: number;
  /** A call takes whole waiting batches until it holds at least this many deliveries (default 512). */
  maxDeliveries?: number;
}

interface Waiting {
  batch: readonly Delivery[];
  resolve(): void;
  reject(error: unknown): void;
}

export class BatchCoalescer {
  readonly #handler: DeliveryHandler;
  readonly #maxConcurrent: number;
  readonly #maxDeliveries: number;
  readonly #waiting: Waiting[] = [];
  #inFlight = 0;

  constructor(handler: DeliveryHandler, options: BatchCoalescerOptions = {}) {
    this.#handler = handler;
    this.#maxConcurrent = Math.max(1, options.maxConcurrent ?? 2);
    this.#maxDeliveries = Math.max(1, options.maxDeliveries ?? 512);
  }

  /** Resolves (or rejects) when the handler call that carried this batch settled. */
  readonly submit = (batch: readonly Delivery[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.#waiting.push({ batch, resolve, reject });
      this.#pump();
    });

  #pump(): void {
    while (this.#inFlight < this.#maxConcurrent && this.#waiting.length > 0) {
      const taken: Waiting[] = [];
      let size = 0;
      while (size < this.#maxDeliveries) {
        const next = this.#waiting.shift();
        if (!next) break;
        taken.push(next);
        size += next.batch.length;
      }
      this.#inFlight++;
      void this.#run(taken);
    }
  }

  async #run(taken: readonly Waiting[]): Promise<void> {
    try {
      await this.#handler(taken.flatMap((w) => w.batch));
      for (const w of taken) w.resolve();
    } catch (error) {
      for (const w of taken) w.reject(error);
    } finally {
      this.#inFlight--;
      this.#pump();
    }
  }
}
