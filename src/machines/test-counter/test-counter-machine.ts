// A minimal machine for runtime tests and the benchmark: appends each received value to a list, emits an
// outbox effect per value, schedules/cancels durable timers on request and throws on the value "poison"
// (a machine that throws inside transition is a realistic failure). Pure: time arrives in events.
import { assign, emit, setup } from 'xstate';

export interface TestCounterContext {
  values: unknown[];
  /** Padding so benchmark snapshots have a realistic size (~1.5 KB). */
  pad: string;
}

export interface TestCounterInput {
  padBytes?: number;
}

export type TestCounterEvent =
  | { type: 'test.add'; at: string; value: unknown }
  | { type: 'test.schedule'; at: string; key: string; dueAt: string }
  | { type: 'test.cancel'; at: string; key: string }
  | { type: 'test.send'; at: string; text: string; providerMessageId?: string }
  | { type: 'test.status'; at: string; providerMessageId: string; status: string }
  | { type: 'timer.fired'; at: string; key: string; timerId: string };

export const POISON = 'poison';

export const testCounterMachine = setup({
  types: {
    context: {} as TestCounterContext,
    events: {} as TestCounterEvent,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- xstate's type-only slot
    input: {} as TestCounterInput,
  },
}).createMachine({
  id: 'test-counter',
  context: ({ input }) => ({ values: [], pad: 'x'.repeat(input.padBytes ?? 0) }),
  initial: 'counting',
  states: {
    counting: {
      on: {
        'test.add': {
          actions: [
            assign({
              values: ({ context, event }) => {
                if (event.value === POISON) throw new Error('poison value');
                return [...context.values, event.value];
              },
            }),
            emit(({ event }) => ({ type: 'effect.test.record', value: event.value })),
          ],
        },
        'test.schedule': {
          actions: emit(({ event }) => ({
            type: 'effect.timer.schedule',
            key: event.key,
            dueAt: event.dueAt,
          })),
        },
        'test.cancel': {
          actions: emit(({ event }) => ({ type: 'effect.timer.cancel', key: event.key })),
        },
        'test.send': {
          actions: emit(({ event }) => ({
            type: 'effect.message.send',
            studioId: 'test',
            channel: 'whatsapp',
            to: '+10000000000',
            message: { kind: 'text', text: event.text },
            transcript: {
              kind: 'text',
              text: event.text,
              ...(event.providerMessageId ? { providerMessageId: event.providerMessageId } : {}),
            },
          })),
        },
        'test.status': {
          actions: emit(({ event }) => ({
            type: 'effect.transcript.delivery',
            providerMessageId: event.providerMessageId,
            status: event.status,
          })),
        },
        'timer.fired': {
          actions: [
            assign({ values: ({ context, event }) => [...context.values, `timer:${event.key}`] }),
            emit(({ event }) => ({
              type: 'effect.system_event',
              level: 'info',
              eventType: 'test.timer_fired',
              payload: { key: event.key, timerId: event.timerId },
            })),
          ],
        },
      },
    },
  },
});
