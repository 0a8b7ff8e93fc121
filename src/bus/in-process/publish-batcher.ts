// Publishes of the in-process bus are inserts into `inbox`. Concurrent publishes (a webhook with many
// messages, a burst of requests, the scheduler's timers) are gathered for a tick and written with ONE
// multi-row insert; each caller still resolves only after that insert committed (accepted = durable).
// A batch is never poisoned by one member: when the multi-row insert fails, its rows are inserted one by
// one, so only an envelope that cannot be stored (or every one, when the database is down) is refused.
import { sql } from 'kysely';
import type { Envelope } from '../../domain/envelope.ts';
import type { Db } from '../../persistence/database.ts';
import { isPermanent } from '../../domain/failures.ts';
import { storableJson } from '../../persistence/storable.ts';
import type { PublishResult } from '../bus.ts';

interface Pending {
  envelope: Envelope;
  partition: number;
  resolve: (result: PublishResult) => void;
  reject: (error: unknown) => void;
}

const MAX_ROWS = 500;

export class PublishBatcher {
  readonly #db: Db;
  readonly #onInserted: (partition: number) => void;
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(db: Db, onInserted: (partition: number) => void) {
    this.#db = db;
    this.#onInserted = onInserted;
  }

  publish(envelope: Envelope, partition: number): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ envelope, partition, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const all = this.#pending;
    this.#pending = [];
    this.#scheduled = false;
    for (let i = 0; i < all.length; i += MAX_ROWS) await this.#insert(all.slice(i, i + MAX_ROWS));
  }

  async #insert(batch: Pending[]): Promise<void> {
    try {
      await this.#insertRows(batch);
    } catch (error) {
      // The database is unavailable (or the batch was one row): every member is refused, to be retried.
      if (batch.length === 1 || !isPermanent(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      // Isolate the member that failed: each row alone (in order, so a lead's envelopes keep theirs).
      for (const p of batch) {
        try {
          await this.#insertRows([p]);
        } catch (alone) {
          p.reject(alone);
        }
      }
    }
  }

  /** One multi-row insert; resolves every member, or throws (none resolved) when the insert fails. */
  async #insertRows(batch: Pending[]): Promise<void> {
    // ON CONFLICT DO NOTHING also skips a repeated id within this very insert (the first one wins).
    const inserted = await sql<{ message_id: string; seq: string }>`
        insert into inbox (message_id, lead_id, partition, envelope)
        select message_id, lead_id, partition, envelope
        from unnest(${batch.map((p) => p.envelope.id)}::text[], ${batch.map((p) => p.envelope.leadId)}::text[],
          ${batch.map((p) => p.partition)}::int[], ${batch.map((p) => storableJson(p.envelope))}::jsonb[])
          with ordinality as i(message_id, lead_id, partition, envelope, n)
        order by n
        on conflict (message_id) do nothing
        returning message_id, seq`.execute(this.#db);
    const seqs = new Map(inserted.rows.map((r) => [r.message_id, Number(r.seq)]));
    const duplicates = batch.filter((p) => !seqs.has(p.envelope.id)).map((p) => p.envelope.id);
    const existing = duplicates.length === 0 ? new Map<string, number>() : await this.#existing(duplicates);
    const accepted = new Set<string>();
    for (const p of batch) {
      const seq = seqs.get(p.envelope.id);
      // The first publish of an inserted id is accepted; a repeat later in this batch is a duplicate.
      if (seq !== undefined && !accepted.has(p.envelope.id)) {
        accepted.add(p.envelope.id);
        p.resolve({ duplicate: false, seq });
      } else p.resolve({ duplicate: true, seq: seq ?? existing.get(p.envelope.id) ?? 0 });
    }
    for (const partition of new Set(batch.map((p) => p.partition))) this.#onInserted(partition);
  }

  async #existing(ids: string[]): Promise<Map<string, number>> {
    const rows = await this.#db
      .selectFrom('inbox')
      .select(['message_id', 'seq'])
      .where('message_id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.message_id, Number(r.seq)]));
  }
}
