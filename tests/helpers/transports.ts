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
