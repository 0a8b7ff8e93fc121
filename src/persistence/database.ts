// The Kysely instance over a pg pool. One per process; closed on shutdown by its owner.
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

// bigint (int8) as string is pg's default; keep it (versions can exceed 2^53 only in theory, but be exact).
export interface DatabaseOptions {
  connectionString: string;
  max?: number;
  onError?: (error: Error) => void;
}

export function createDatabase(options: DatabaseOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (server restart, network drop) must not crash the process: the pool replaces it.
  pool.on('error', (error) => options.onError?.(error));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
