// The machines `leadline machines export` writes, each under a stable id: the production machines only
// (the lead and the health probe), not the runtime's test actor. The lead machine is built from the demo
// studio so the export needs no configuration (a deployment's studios change prompts and timings, not the
// states). Like export.ts, this is for the CLI; the runtime builds its own machines.
import type { AnyStateMachine } from 'xstate';
import { StudioRegistry } from '../studio/studio-registry.ts';
import { demoStudioConfig } from '../studio/load-studio-config.ts';
import { createLeadDefinition } from './lead/lead-definition.ts';
import { probeMachine } from './probe/probe-machine.ts';

export interface ExportableMachine {
  /** File-name-safe id: the export writes `<id>.json` and `<id>.mmd`. */
  id: string;
  machine: AnyStateMachine;
}

export function exportableMachines(): ExportableMachine[] {
  return [
    { id: 'lead', machine: createLeadDefinition(new StudioRegistry(demoStudioConfig)).machine },
    { id: 'probe', machine: probeMachine },
  ];
}
