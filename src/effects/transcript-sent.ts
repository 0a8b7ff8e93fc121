// A channel adapter's bookkeeping after a send: the provider's id and first status on the outbound
// transcript row (src/persistence/delivery-status.ts owns the status and its statements). The relay starts
// a batch's sends together and they finish together, so sends finishing in the same turn share one
// statement (same-turn-batch.ts).
import type { Db } from '../persistence/database.ts';
import { recordSends, type SendRecord } from '../persistence/delivery-status.ts';
import { sameTurnBatch, type BatchedCall } from './same-turn-batch.ts';

const markers = new WeakMap<Db, BatchedCall<SendRecord, void>>();

export interface SentDelivery {
  providerMessageId: string;
  deliveryStatus: string;
}

/** Stores the send's provider id and first status on the transcript row of `outboxId` (once). */
export function markTranscriptSent(db: Db, outboxId: string, delivery: SentDelivery): Promise<void> {
  let mark = markers.get(db);
  if (!mark) {
    mark = sameTurnBatch(async (batch) => {
      await recordSends(db, batch);
      return batch.map(() => undefined);
    });
    markers.set(db, mark);
  }
  return mark({ outboxId, providerMessageId: delivery.providerMessageId, status: delivery.deliveryStatus });
}
