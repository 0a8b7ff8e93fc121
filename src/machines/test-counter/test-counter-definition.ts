// The runtime's test actor type ('test'). Options let tests exercise snapshot migrations and rebuilds.
import type { SnapshotFrom } from 'xstate';
import type { ActorDefinition, SnapshotMigration } from '../../actors/actor-definition.ts';
import type { Envelope } from '../../domain/envelope.ts';
import { testCounterMachine } from './test-counter-machine.ts';

export interface TestCounterOptions {
  padBytes?: number;
  machineVersion?: number;
  snapshotMigrations?: Record<number, SnapshotMigration>;
  /** Without it an unmigratable snapshot cannot be rebuilt (the host then fails the message). */
  rebuild?: ActorDefinition<typeof testCounterMachine>['rebuild'];
}

export function createTestCounterDefinition(
  options: TestCounterOptions = {},
): ActorDefinition<typeof testCounterMachine> {
  return {
    actorType: 'test',
    machine: testCounterMachine,
    machineVersion: options.machineVersion ?? 1,
    snapshotMigrations: options.snapshotMigrations ?? {},
    inputFor: () => ({ padBytes: options.padBytes ?? 0 }),
    eventFor: (envelope: Envelope) => envelope.event,
    project: (snapshot: SnapshotFrom<typeof testCounterMachine>) => ({
      status: 'ACTIVE',
      step: null,
      answers: { count: snapshot.context.values.length },
      phone: null,
      name: null,
      lastInboundAt: null,
    }),
    ...(options.rebuild ? { rebuild: options.rebuild } : {}),
  };
}

export const testCounterDefinition = createTestCounterDefinition();
