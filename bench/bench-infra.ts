// Servers and a fresh database for one benchmark run: DATABASE_URL / NATS_URL when set, else the local
// PostgreSQL (or an embedded one) and a nats-server spawned for the run. Everything is torn down after.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Db } from '../src/persistence/database.ts';
import { migrateToLatest } from '../src/persistence/migrate.ts';
import { findOrStartPostgres, startNatsServer, type Stoppable } from '../tests/helpers/servers.ts';

export interface BenchInfra {
  natsUrl: string | null;
  /** Admin URL of the PostgreSQL server (children reuse it as DATABASE_URL). */
  pgUrl: string;
  /** A fresh migrated database (dropped by stop()). */
  freshDatabase(): Promise<{ db: Db; url: string; drop: () => Promise<void> }>;
  /**
   * Writes back what earlier phases left dirty (CHECKPOINT), so a saturating phase's ~1 GB of WAL is not
   * flushed during the next phase and counted in its latency. Needs superuser or pg_checkpoint; without
   * it the phase runs unsettled and a note goes to stderr.
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function startBenchInfra(): Promise<BenchInfra> {
  const stops: Stoppable[] = [];
  const postgres = await findOrStartPostgres();
  stops.push(postgres);
  let natsUrl = process.env.NATS_URL ?? null;
  if (!natsUrl) {
    const nats = await startNatsServer();
    if (nats) {
      stops.push(nats);
      natsUrl = nats.url;
    }
  }
  return {
    natsUrl,
    pgUrl: postgres.url,
    async freshDatabase() {
      const name = `leadline_bench_${randomBytes(5).toString('hex')}`;
      await admin(postgres.url, `create database ${name}`);
      const url = new URL(postgres.url);
      url.pathname = `/${name}`;
      const db = createDatabase({ connectionString: url.toString(), max: 10 });
      await migrateToLatest(db);
      return {
        db,
        url: url.toString(),
        drop: async () => {
          await db.destroy();
          await admin(postgres.url, `drop database if exists ${name} with (force)`);
        },
      };
    },
    async settle() {
      await admin(postgres.url, 'checkpoint').catch((error: unknown) => {
        process.stderr.write(`bench: could not CHECKPOINT before the phase (${String(error)})\n`);
      });
    },
    async stop() {
      for (const s of stops.reverse()) await s.stop();
    },
  };
}
