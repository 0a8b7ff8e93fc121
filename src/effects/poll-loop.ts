// A poll loop: run a batch; when it found nothing, wait `intervalMs` (or until woken) and run again. A busy
// batch is followed at once by the next one. stop() waits for the batch in flight.
import type { Logger } from '../observability/logger.ts';

export interface PollLoop {
  start(): void;
  stop(): Promise<void>;
  wake(): void;
}

export function createPollLoop(runBatch: () => Promise<number>, intervalMs: number, log: Logger): PollLoop {
  const state = { running: false };
  // A function, not the field: the flag changes under the loop's feet when stop() is called.
  const stopped = () => !state.running;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  // A wake() during a batch is remembered: the batch's query may have run before the rows it announces
  // were committed, and dropping the wake would leave them for the next interval.
  let woken = false;
  const idle = () =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(resolve, intervalMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wakeUp = undefined;
    });

  return {
    wake: () => {
      woken = true;
      wakeUp?.();
    },
    start() {
      if (state.running) return;
      state.running = true;
      loop = (async () => {
        while (state.running) {
          let handled = 0;
          woken = false;
          try {
            handled = await runBatch();
          } catch (error) {
            log.error({ err: error }, 'poll failed');
          }
          if (handled === 0 && !stopped()) await idle();
        }
      })();
    },
    async stop() {
      state.running = false;
      wakeUp?.();
      await loop;
    },
  };
}
