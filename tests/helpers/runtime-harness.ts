// A whole runtime for tests: a fresh migrated database (or yours), a bus (the in-process one, or NATS with
// `transport: 'nats'` on isolated stream/bucket names of the suite's server) and an actor host with your
// definitions.
//
//   const rt = await startRuntime({ definitions: [testCounterDefinition], retryDelaysMs: [20, 40] });
//   await rt.publish(makeEnvelope({ leadId: 'ld_a', event: { type: 'test.add', value: 1 } }));
//   await rt.idle();                       // every published message processed (acked or parked)
//   await rt.fireTimers(new Date(...));    // publish due timers as `timer:<id>` envelopes, then idle()
//   await rt.waitFor(async () => ...);     // poll any condition with a deadline
//   await rt.restartHost();                // new host, same db + inbox (restart recovery)
//   await rt.stop();                       // stops host and bus; drops the database if it created it
//
// Retries and dead letters: pass small `retryDelaysMs` (e.g. [20, 40]); the host retries on its own
// interval (retryPollMs, default 10 ms here), or call `rt.host.processDueRetries(now)`.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ActorDefinition } from '../../src/actors/actor-definition.ts';
import { createActorHost, type ActorHost, type ActorHostOptions } from '../../src/actors/actor-host.ts';
import { fireDueTimers } from '../../src/actors/fire-due-timers.ts';
import type { Bus, PublishResult } from '../../src/bus/bus.ts';
import { createInProcessBus } from '../../src/bus/in-process-bus.ts';
import { NatsBus } from '../../src/bus/nats/nats-bus.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import type { Db } from '../../src/persistence/database.ts';
import { createTestDatabase } from './database.ts';
import { natsBacklog, type NatsBacklog } from './nats-backlog.ts';

export interface StartRuntimeOptions {
  definitions: readonly ActorDefinition[];
  /** Use this database instead of creating (and dropping) a fresh one. */
  db?: Db;
  partitions?: number;
  retryDelaysMs?: readonly number[];
  /** Anything else for the host (hooks, maxActorsInMemory, idleTimeoutMs, metrics, clock…). */
  host?: Partial<Omit<ActorHostOptions, 'db' | 'bus' | 'definitions'>>;
  /** Set false to build everything without starting the host (call rt.host.start() yourself). */
  start?: boolean;
  /**
   * The bus: the single-node one (default) or NATS at this URL, on names no other test sees. A short
   * `duplicateWindowMs` lets a test re-publish an id as a provider would after the stream's dedupe window.
   */
  transport?: 'in-process' | { nats: string; duplicateWindowMs?: number };
}

export interface Runtime {
  db: Db;
  bus: Bus;
  host: ActorHost;
  publish(envelope: Envelope): Promise<PublishResult>;
  /** Resolves when every published message is processed: inbox empty and no batch in flight. */
  idle(timeoutMs?: number): Promise<void>;
  /** Publishes the timers due at `now` and waits until they are processed. */
  fireTimers(now: Date): Promise<number>;
  waitFor(condition: () => boolean | Promise<boolean>, timeoutMs?: number, what?: string): Promise<void>;
  /** Stops the host and bus and starts new ones on the same database (cold caches, inbox kept). */
  restartHost(): Promise<void>;
  stop(): Promise<void>;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let counter = 0;

/** An envelope with test defaults: actorType 'test', studio 'test', a unique id, `at` = now. */
export function makeEnvelope(
  partial: Partial<Omit<Envelope, 'event'>> & {
    event?: Partial<Envelope['event']> & Record<string, unknown>;
  } = {},
): Envelope {
  const at = new Date().toISOString();
  counter++;
  const { event, ...rest } = partial;
  return {
    id: `test:${randomUUID()}`,
    leadId: 'ld_test',
    actorType: 'test',
    studioId: 'test',
    acceptedAt: at,
    ...rest,
    event: { type: 'test.add', value: counter, at, ...event },
  };
}

export async function startRuntime(options: StartRuntimeOptions): Promise<Runtime> {
  const owned = options.db ? undefined : await createTestDatabase();
  const db = options.db ?? (owned as NonNullable<typeof owned>).db;
  const partitions = options.partitions ?? 4;
  const transport = options.transport ?? 'in-process';
  const nats: NatsBacklog | undefined =
    transport === 'in-process' ? undefined : await natsBacklog(transport.nats, partitions);
  const build = async () => {
    const bus = nats
      ? await NatsBus.connect({
          servers: nats.url,
          partitions,
          leaseMs: 2000,
          ...nats.names,
          ...(transport !== 'in-process' && transport.duplicateWindowMs !== undefined
            ? { duplicateWindowMs: transport.duplicateWindowMs }
            : {}),
        })
      : createInProcessBus({ db, partitions, pollIntervalMs: 200 });
    const host = createActorHost({
      db,
      bus,
      definitions: options.definitions,
      retryPollMs: 10,
      ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      ...options.host,
    });
    return { bus, host };
  };
  let current = await build();
  if (options.start !== false) await current.host.start();

  const idle = async (timeoutMs = 15_000) => {
    await waitFor(
      async () => {
        if (current.host.store.getSnapshot().context.mailboxDepth > 0) return false;
        const backlog = nats
          ? await nats.unacked()
          : Number((await sql<{ n: string }>`select count(*) as n from inbox`.execute(db)).rows[0]?.n);
        return backlog === 0 && current.host.store.getSnapshot().context.mailboxDepth === 0;
      },
      timeoutMs,
      'the runtime to go idle',
    );
  };

  return {
    db,
    get bus() {
      return current.bus;
    },
    get host() {
      return current.host;
    },
    publish: (envelope) => current.bus.publish(envelope),
    idle,
    async fireTimers(now) {
      const fired = await fireDueTimers(db, current.bus, now);
      await idle();
      return fired;
    },
    waitFor,
    async restartHost() {
      await current.host.stop();
      await current.bus.close();
      current = await build();
      await current.host.start();
    },
    async stop() {
      await current.host.stop();
      await current.bus.close();
      await nats?.remove();
      await owned?.drop();
    },
  };
}
