// The probe machine lives with the other machines (src/machines/probe) so `leadline machines export` can
// export it without src/machines importing src/ops; this path stays for existing importers.
export { PROBE_ACTOR_ID, probeDefinition, probeMachine } from '../machines/probe/probe-machine.ts';
