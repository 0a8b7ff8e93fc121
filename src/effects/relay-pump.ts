// How the relay keeps its sends in flight: up to `concurrency` rows at once, claiming more as soon as some
// finish, instead of claiming a batch and waiting for its slowest row before the next claim. With the
// batch, a reply committed while a batch was out waited for the whole batch (one slow provider answer held
// back 63 rows' successors), so under load the relay delivered below the rate the host committed at
// (docs/performance.md, "The relay as a pump"). One claim is in flight at a time; completions and wakes in
// the same turn of the event loop share the next claim. When a claim came back short and nothing woke the
// pump, it waits `intervalMs` (the idle poll) before claiming again.
import type { Logger } from '../observability/logger.ts';

export interface RelayPump {
  start(): void;
  /** Resolves once the claim and every send in flight have settled. */
  stop(): Promise<void>;
  /** New rows were committed (or may be due): claim at the next turn. */
  wake(): void;
}

export interface RelayPumpOptions<T> {
  /** Claims up to `n` rows (leased to this relay). */
  claim(n: number): Promise<readonly T[]>;
  /** Runs one claimed row to its recorded outcome; a rejection is logged, the lease brings the row back. */
  execute(row: T): Promise<void>;
  concurrency: number;
  intervalMs: number;
  log: Logger;
}

export function createRelayPump<T>(options: RelayPumpOptions<T>): RelayPump {
  const { concurrency, intervalMs, log } = options;
  let running = false;
  let claiming: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();
  // Work may be waiting that the last claim did not see (a wake, a row finished, a full claim).
  let more = false;
  let scheduled = false;
  let idleTimer: NodeJS.Timeout | undefined;

  function schedule(): void {
    if (!running || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  }

  function pump(): void {
    if (!running || claiming) return;
    const room = concurrency - inFlight.size;
    if (room <= 0) return;
    clearTimeout(idleTimer);
    idleTimer = undefined;
    more = false;
    claiming = options
      .claim(room)
      .then(
        (rows) => {
          for (const row of rows) track(row);
          if (rows.length === room) more = true;
        },
        (error: unknown) => log.error({ err: error }, 'claim failed'),
      )
      .finally(() => {
        claiming = undefined;
        if (more) schedule();
        else if (running && inFlight.size < concurrency) {
          idleTimer = setTimeout(schedule, intervalMs);
        }
      });
  }

  function track(row: T): void {
    const done: Promise<void> = options
      .execute(row)
      .catch((error: unknown) => log.error({ err: error }, 'effect run failed'))
      .finally(() => {
        inFlight.delete(done);
        // Its lead's next row may be eligible now, and there is room for another.
        more = true;
        schedule();
      });
    inFlight.add(done);
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    wake() {
      more = true;
      schedule();
    },
    async stop() {
      running = false;
      clearTimeout(idleTimer);
      await claiming;
      await Promise.all([...inFlight]);
    },
  };
}
