// The Stately inspector (docs/contract.md §2, LEADLINE_INSPECT=ws|ws:PORT): a local relay (its page embeds the
// hosted inspector) plus a WebSocket client feeding it. Created only when asked: the client reconnects
// forever when no relay listens, so it is started only once the relay accepts connections.
import { createServer, connect } from 'node:net';
import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { LRUCache } from 'lru-cache';
import type { AnyEventObject, AnyStateMachine, InspectionEvent, Snapshot } from 'xstate';
import type { Env } from '../config/env.ts';
import type { Logger } from './logger.ts';
import { sanitizeContext, sanitizeDefinition, sanitizeEvent } from './inspection-sanitize.ts';

export const DEFAULT_INSPECT_PORT = 8080;

export interface Inspection {
  readonly url: string;
  /** An xstate `inspect` callback for live actors: `createActor(machine, { inspect: inspection.inspect })`. */
  inspect(event: InspectionEvent): void;
  /**
   * For the actor host, which applies pure `transition()` instead of running live actors: reports one
   * processed event as `@xstate.actor` (first time an actor id is seen, with its machine definition),
   * `@xstate.event` and `@xstate.snapshot`.
   */
  report(actorId: string, machine: AnyStateMachine, snapshot: Snapshot<unknown>, event: AnyEventObject): void;
  /** Closes the client, then the relay (a browser tab still connected keeps its own socket open). */
  stop(): void;
}

/** Actor ids announced to the inspector, the most recently reported this many (re-announcing is harmless). */
const MAX_KNOWN_ACTORS = 10_000;

export function inspectPort(setting: string): number {
  const port = /^ws:(\d{1,5})$/.exec(setting)?.[1];
  return port === undefined ? DEFAULT_INSPECT_PORT : Number(port);
}

/** The relay's http server has no error listener: a taken port would crash the process, so check first. */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) =>
      reject(new Error(`LEADLINE_INSPECT: port ${port} is not available (${error.message})`)),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

async function waitUntilListening(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => socket.end(() => resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`LEADLINE_INSPECT: the relay did not listen on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts the relay and client when LEADLINE_INSPECT is set; null otherwise. */
export async function createInspection(
  env: Pick<Env, 'LEADLINE_INSPECT'>,
  logger: Logger,
): Promise<Inspection | null> {
  if (env.LEADLINE_INSPECT === undefined) return null;
  const port = inspectPort(env.LEADLINE_INSPECT);
  await assertPortFree(port);
  // autoOpen would run xdg-open on a server; the URL is logged instead.
  const relay = createInspectorServer({ port, autoOpen: false });
  try {
    await waitUntilListening(port);
  } catch (error) {
    relay.stop();
    throw error;
  }
  const client = createWebSocketInspector({
    url: `ws://127.0.0.1:${port}`,
    sanitizeContext,
    sanitizeEvent,
    serialize: sanitizeDefinition,
  });
  const url = `http://localhost:${port}`;
  logger.info(
    { url },
    'Stately inspector relay listening: open it in a browser (needs internet for the inspector UI)',
  );

  const known = new LRUCache<string, true>({ max: MAX_KNOWN_ACTORS });
  return {
    url,
    inspect: (event) => client.inspect.next?.(event),
    report(actorId, machine, snapshot, event) {
      const view = {
        status: snapshot.status,
        value: (snapshot as { value?: unknown }).value,
        context: (snapshot as { context?: unknown }).context,
      };
      if (known.get(actorId) === undefined) {
        known.set(actorId, true);
        // The client reads the definition from `logic.config`, as it would on a live actor.
        const actorRef = {
          id: actorId,
          sessionId: actorId,
          logic: machine,
          send: () => undefined,
          getSnapshot: () => snapshot,
        };
        client.actor(actorRef, view);
      }
      client.event(actorId, event);
      client.snapshot(actorId, view, { event });
    },
    stop() {
      client.stop();
      relay.stop();
    },
  };
}
