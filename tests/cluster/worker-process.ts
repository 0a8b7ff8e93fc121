// A real worker process for the cluster test: its own database pool, NATS bus and actor host running the
// test-counter machine. Configured by environment; reports to the parent over IPC:
//   { type: 'owned', owned: number[] } whenever its partitions change.
// SIGTERM → clean stop (hand-off); SIGKILL is the test's crash.
import { createActorHost } from '../../src/actors/actor-host.ts';
import { NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createDatabase } from '../../src/persistence/database.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`worker-process: ${name} is required`);
  return value;
}

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: process.env.WORKER_ID });
const db = createDatabase({ connectionString: required('DATABASE_URL'), max: 5 });
const bus = await NatsBus.connect({
  servers: required('NATS_URL'),
  partitions: Number(required('PARTITIONS')),
  leaseMs: Number(required('LEASE_MS')),
  workerId: required('WORKER_ID'),
  streamName: required('STREAM'),
  subjectPrefix: required('SUBJECT_PREFIX'),
  leaseBucket: required('LEASE_BUCKET'),
  logger,
});
const host = createActorHost({ db, bus, definitions: [testCounterDefinition], logger });
const report = (owned: readonly number[]) => process.send?.({ type: 'owned', owned: [...owned] });
bus.onPartitionsChanged(report);
await host.start();
report(bus.status().ownedPartitions);

process.once('SIGTERM', () => {
  void (async () => {
    await host.stop();
    await bus.close();
    await db.destroy();
    process.exit(0);
  })();
});
