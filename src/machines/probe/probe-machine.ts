// The synthetic health probe's actor: a one-state machine that counts pings. Its only job is to be hosted
// like a lead (same bus, host, transaction and commit), so a committed ping proves the pipeline works.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { Envelope } from '../../domain/envelope.ts';
import type { ActorDefinition } from '../../actors/actor-definition.ts';

/** The one probe actor of a deployment (a row in `leads` with actor_type 'probe'). */
export const PROBE_ACTOR_ID = 'probe_health';

interface ProbeContext {
  pings: number;
  lastProbeId: string | null;
  lastAt: string | null;
}

const probeEventSchema = z.object({
  type: z.literal('probe.ping'),
  at: z.iso.datetime({ offset: true }),
  probeId: z.string(),
});

type ProbeEvent = z.infer<typeof probeEventSchema>;

export const probeMachine = setup({
  types: { context: {} as ProbeContext, events: {} as ProbeEvent },
}).createMachine({
  id: 'probe',
  context: { pings: 0, lastProbeId: null, lastAt: null },
  initial: 'alive',
  states: {
    alive: {
      on: {
        'probe.ping': {
          actions: assign(({ context, event }) => ({
            pings: context.pings + 1,
            lastProbeId: event.probeId,
            lastAt: event.at,
          })),
        },
      },
    },
  },
});

export const probeDefinition: ActorDefinition<typeof probeMachine> = {
  actorType: 'probe',
  machine: probeMachine,
  machineVersion: 1,
  snapshotMigrations: {},
  eventSchema: probeEventSchema,
  inputFor: () => ({}),
  eventFor: (envelope: Envelope) => envelope.event,
  project: (snapshot) => ({
    status: 'ALIVE',
    step: null,
    answers: { pings: snapshot.context.pings },
    phone: null,
    name: null,
    lastInboundAt: null,
  }),
};
