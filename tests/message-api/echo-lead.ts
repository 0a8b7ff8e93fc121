// A stand-in lead actor for the message-API tests: it answers every `message.received` with
// `effect.message.send` on the message's channel and session (one text reply, plus choices when the text
// is "choose"), as the lead machine does for the web channels. Lets the reply path be tested apart from
// the conversation.
import { assign, emit, setup, type SnapshotFrom } from 'xstate';
import type { ActorDefinition } from '../../src/actors/actor-definition.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import type { MessageReceivedEvent } from '../../src/domain/lead-events.ts';

export const echoMachine = setup({
  types: { context: {} as { received: number }, events: {} as MessageReceivedEvent },
}).createMachine({
  id: 'echo-lead',
  context: { received: 0 },
  on: {
    'message.received': {
      actions: [
        assign({ received: ({ context }) => context.received + 1 }),
        emit(({ event }) => ({
          type: 'effect.message.send',
          studioId: 'inkwell',
          channel: event.channel,
          to: event.session?.sessionId ?? '',
          message: {
            kind: 'text',
            text: `echo: ${event.content.kind === 'text' ? event.content.text : '?'}`,
          },
          inReplyTo: event.messageId,
        })),
        emit(({ event }) =>
          event.content.kind === 'text' && event.content.text === 'choose'
            ? {
                type: 'effect.message.send',
                studioId: 'inkwell',
                channel: event.channel,
                to: event.session?.sessionId ?? '',
                message: {
                  kind: 'interactive',
                  body: 'Which style?',
                  options: [
                    { id: 'realism', title: 'Realism' },
                    { id: 'blackwork', title: 'Blackwork' },
                  ],
                },
                inReplyTo: event.messageId,
              }
            : { type: 'effect.system_event', level: 'debug', eventType: 'echo.plain', payload: {} },
        ),
      ],
    },
  },
});

export const echoLeadDefinition: ActorDefinition<typeof echoMachine> = {
  actorType: 'lead',
  machine: echoMachine,
  machineVersion: 1,
  snapshotMigrations: {},
  inputFor: () => ({}),
  eventFor: (envelope: Envelope) => envelope.event,
  project: (snapshot: SnapshotFrom<typeof echoMachine>) => ({
    status: 'QUALIFYING',
    step: snapshot.context.received > 1 ? 'placement' : 'idea',
    answers: {},
    phone: null,
    name: null,
    lastInboundAt: null,
  }),
};
