// Finds (or starts) the PostgreSQL and NATS servers the suite uses, once per run:
//   DATABASE_URL / NATS_URL when set; else the standard local ports when reachable; else an embedded
//   PostgreSQL and a nats-server from PATH. Without NATS, NATS suites are skipped loudly — or fail when
//   LEADLINE_REQUIRE_NATS=1 (CI).
import type { TestProject } from 'vitest/node';
import { findOrStartNats, findOrStartPostgres, type Stoppable } from './helpers/servers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    natsUrl: string | null;
    natsRequired: boolean;
  }
}

const stops: Stoppable[] = [];

export async function setup(project: TestProject): Promise<void> {
  const pg = await findOrStartPostgres();
  stops.push(pg);
  project.provide('pgAdminUrl', pg.url);

  const natsRequired = process.env.LEADLINE_REQUIRE_NATS === '1';
  const nats = await findOrStartNats();
  if (nats) stops.push(nats);
  else {
    const line =
      '!!! NATS unavailable: NATS suites will be SKIPPED (set NATS_URL or put nats-server on PATH) !!!';
    if (natsRequired) throw new Error(`LEADLINE_REQUIRE_NATS=1 but ${line}`);
    process.stderr.write(`\n${line}\n\n`);
  }
  project.provide('natsUrl', nats?.url ?? null);
  project.provide('natsRequired', natsRequired);
}

export async function teardown(): Promise<void> {
  for (const s of stops.reverse()) await s.stop();
}
