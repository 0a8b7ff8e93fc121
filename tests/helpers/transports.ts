// The buses a runtime test runs on: the in-process one always, NATS JetStream when the suite has a server
// (CI requires one). Use with describe.each so each behaviour is checked on both transports.
import { natsUrl } from './nats.ts';
import type { StartRuntimeOptions } from './runtime-harness.ts';

export interface TestTransport {
  name: string;
  transport: NonNullable<StartRuntimeOptions['transport']>;
}

export function runtimeTransports(): TestTransport[] {
  const url = natsUrl();
  return [
    { name: 'in-process bus', transport: 'in-process' },
    ...(url ? [{ name: 'NATS bus', transport: { nats: url } }] : []),
  ];
}

/** NATS's Nats-Msg-Id dedupe window in tests that re-publish an id, as a provider would much later. */
const SHORT_DEDUPE_WINDOW_MS = 300;

/**
 * `transport` with a short NATS dedupe window, so a re-published id reaches the host and the host's own
 * checks are what is tested (the in-process bus already forgets an id once its message is processed).
 */
export function withShortDedupe(transport: TestTransport['transport']): TestTransport['transport'] {
  return transport === 'in-process' ? transport : { ...transport, duplicateWindowMs: SHORT_DEDUPE_WINDOW_MS };
}

/** Resolves once an id published before the call is outside the short dedupe window. */
export function pastDedupeWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SHORT_DEDUPE_WINDOW_MS + 200));
}
