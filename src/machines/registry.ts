// The machines `leadline machines export` writes and the inspector can show, each under a stable id.
// The lead machine is built from the demo studio so the exported definition is complete and
// self-contained (a deployment's own studios change prompts and timings, not the states).
import type { AnyStateMachine } from 'xstate';
import { StudioRegistry } from '../studio/studio-registry.ts';
import { demoStudioConfig } from '../studio/load-studio-config.ts';
import { createLeadMachine } from './lead/lead-machine.ts';
import { testCounterMachine } from './test-counter/test-counter-machine.ts';

export interface ExportableMachine {
  /** File-name-safe id: the export writes `<id>.json` and `<id>.mmd`. */
  id: string;
  machine: AnyStateMachine;
}

export function exportableMachines(): ExportableMachine[] {
  return [
    { id: 'lead', machine: createLeadMachine(new StudioRegistry(demoStudioConfig)) },
    { id: 'test-counter', machine: testCounterMachine },
  ];
}
