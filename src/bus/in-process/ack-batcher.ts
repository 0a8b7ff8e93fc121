// Acks of the in-process bus delete inbox rows. Hosts ack many messages at once, so deletes are gathered
// for a tick and sent as one statement instead of one round trip per message.
import { sql } from 'kysely';
import type { Db } from '../../persistence/database.ts';

export class AckBatcher {
  readonly #db: Db;
  #pending: { seq: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;

  constructor(db: Db) {
    this.#db = db;
  }

  ack(seq: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ seq, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#scheduled = false;
    try {
      await sql`delete from inbox where seq = any(${batch.map((b) => String(b.seq))}::bigint[])`.execute(
        this.#db,
      );
      for (const b of batch) b.resolve();
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}
