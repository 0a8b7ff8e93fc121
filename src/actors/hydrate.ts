// Turning a persisted leads row back into a live snapshot (invariant 8): run the definition's snapshot
// migrations from the row's machine_version up to the current one; a snapshot that cannot be migrated or
// restored is rebuilt with `definition.rebuild` (never dropped) and the rebuild is recorded.
import { createActor, type AnyMachineSnapshot } from 'xstate';
import type { Envelope } from '../domain/envelope.ts';
import type { SystemEventInput } from '../persistence/system-events.ts';
import type { ActorDefinition } from './actor-definition.ts';
import { errorText } from './retry-policy.ts';

export interface PersistedLead {
  snapshot: unknown;
  machineVersion: number;
  answers: Record<string, unknown>;
  status: string;
  step: string | null;
}

export interface Hydrated {
  snapshot: AnyMachineSnapshot;
  /** System events to commit with the next transaction (migration/rebuild records). */
  events: SystemEventInput[];
}

/** Restores a persisted snapshot the documented way (createActor), which also restores history values. */
export function restoreSnapshot(definition: ActorDefinition, persisted: unknown): AnyMachineSnapshot {
  const snapshot = createActor(definition.machine, { snapshot: persisted as never }).getSnapshot();
  if (snapshot.status !== 'active') throw new Error(`restored snapshot is ${snapshot.status}`);
  return snapshot;
}

function migrate(definition: ActorDefinition, row: PersistedLead): unknown {
  if (row.machineVersion > definition.machineVersion) {
    throw new Error(
      `snapshot machine_version ${row.machineVersion} is newer than ${definition.machineVersion}`,
    );
  }
  let persisted = row.snapshot;
  for (let version = row.machineVersion; version < definition.machineVersion; version++) {
    const step = definition.snapshotMigrations[version];
    if (!step) throw new Error(`no snapshot migration from machine_version ${version}`);
    persisted = step(persisted);
  }
  return persisted;
}

export function hydrate(
  definition: ActorDefinition,
  leadId: string,
  row: PersistedLead,
  envelope: Envelope,
): Hydrated {
  try {
    const snapshot = restoreSnapshot(definition, migrate(definition, row));
    const events: SystemEventInput[] =
      row.machineVersion === definition.machineVersion
        ? []
        : [
            {
              level: 'info',
              type: 'runtime.snapshot_migrated',
              leadId,
              payload: { from: row.machineVersion, to: definition.machineVersion },
            },
          ];
    return { snapshot, events };
  } catch (error) {
    if (!definition.rebuild) {
      throw new Error(`snapshot of ${leadId} cannot be migrated and has no rebuild: ${errorText(error)}`, {
        cause: error,
      });
    }
    const rebuilt = definition.rebuild(
      { answers: row.answers, status: row.status, step: row.step },
      envelope,
    );
    return {
      snapshot: restoreSnapshot(definition, rebuilt),
      events: [
        {
          level: 'warn',
          type: 'runtime.snapshot_rebuilt',
          leadId,
          payload: { from: row.machineVersion, to: definition.machineVersion, reason: errorText(error) },
        },
      ],
    };
  }
}
