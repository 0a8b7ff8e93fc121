// The baseline's relay: claim a batch of outbox rows (FOR UPDATE SKIP LOCKED) in a transaction, send each
// lead's rows in order through the Graph client, delete them, commit. Woken after each commit, else it
// polls every 500 ms. A failed send rolls the batch back (sent again next time: at-least-once).
import { sql } from 'kysely';
import type { OutboundMessage } from '../../src/domain/effects.ts';
import type { GraphClient } from '../../src/effects/whatsapp/graph-client.ts';
import type { Db } from '../../src/persistence/database.ts';
import type { StudioRegistry } from '../../src/studio/studio-registry.ts';

interface OutboxRow {
  id: string;
  lead_id: string;
  payload: { studioId: string; to: string; message: OutboundMessage };
}

export function startBaselineRelay(db: Db, graph: GraphClient, studios: StudioRegistry, batch = 128) {
  const state = { running: true, woken: false };
  const isRunning = () => state.running;
  const isWoken = () => state.woken;
  let wakeUp: (() => void) | undefined;

  async function runOnce(): Promise<number> {
    return db.transaction().execute(async (tx) => {
      const { rows } = await sql<OutboxRow>`
        select id, lead_id, payload from baseline_outbox order by id limit ${batch}
        for update skip locked`.execute(tx);
      const byLead = new Map<string, OutboxRow[]>();
      for (const row of rows) byLead.set(row.lead_id, [...(byLead.get(row.lead_id) ?? []), row]);
      await Promise.all(
        [...byLead.values()].map(async (leadRows) => {
          for (const row of leadRows) {
            const studio = studios.byId(row.payload.studioId);
            if (!studio) continue;
            await graph.sendMessage(studio.whatsapp.phoneNumberId, row.payload.to, row.payload.message);
          }
        }),
      );
      if (rows.length > 0)
        await sql`delete from baseline_outbox where id = any(${rows.map((r) => r.id)}::bigint[])`.execute(tx);
      return rows.length;
    });
  }

  const loop = (async () => {
    while (state.running) {
      state.woken = false;
      let handled = 0;
      try {
        handled = await runOnce();
      } catch (error) {
        process.stderr.write(`baseline relay: ${String(error)}\n`);
      }
      // Read through a function: stop() and wake() change the flags while runOnce awaits.
      if (handled === 0 && isRunning() && !isWoken()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 500);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = undefined;
      }
    }
  })();

  return {
    wake() {
      state.woken = true;
      wakeUp?.();
    },
    async stop() {
      state.running = false;
      wakeUp?.();
      await loop;
    },
  };
}
