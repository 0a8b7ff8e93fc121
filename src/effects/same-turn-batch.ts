// Writes that many concurrent callers make in the same turn of the event loop, made as one statement. The
// relay starts a batch's sends together and they finish together: their bookkeeping writes (the transcript
// row marked sent, the outbox row marked done) then share one UPDATE … FROM unnest(…) instead of one round
// trip each (docs/performance.md). Nothing waits for a later caller: a batch is whatever arrived before the
// next turn, and every caller gets its own result (or the statement's error).
export type BatchedCall<I, O> = (item: I) => Promise<O>;

export function sameTurnBatch<I, O>(
  flush: (items: readonly I[]) => Promise<readonly O[]>,
): BatchedCall<I, O> {
  let pending: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];

  async function run(batch: typeof pending): Promise<void> {
    try {
      const results = await flush(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as O));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (pending.length === 0) {
        setImmediate(() => {
          const batch = pending;
          pending = [];
          void run(batch);
        });
      }
      pending.push({ item, resolve, reject });
    });
}
