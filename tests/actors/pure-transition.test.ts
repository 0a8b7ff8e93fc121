import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { pureInitialTransition, pureTransition } from '../../src/actors/pure-transition.ts';
import {
  testCounterMachine,
  type TestCounterEvent,
} from '../../src/machines/test-counter/test-counter-machine.ts';

const at = '2026-01-01T00:00:00.000Z';
const eventArb: fc.Arbitrary<TestCounterEvent> = fc.oneof(
  fc.record({ type: fc.constant('test.add' as const), at: fc.constant(at), value: fc.integer() }),
  fc.record({
    type: fc.constant('test.schedule' as const),
    at: fc.constant(at),
    key: fc.constantFrom('a', 'b'),
    dueAt: fc.constant(at),
  }),
  fc.record({
    type: fc.constant('test.cancel' as const),
    at: fc.constant(at),
    key: fc.constantFrom('a', 'b'),
  }),
  fc.record({
    type: fc.constant('test.send' as const),
    at: fc.constant(at),
    text: fc.string({ minLength: 1 }),
  }),
);

const emitted = (actions: readonly { type: string; params?: unknown }[]) =>
  actions.filter((a) => a.type === 'xstate.emit').map((a) => (a.params as { event: unknown }).event);

describe('pureTransition', () => {
  it('gives the same snapshots and emitted effects as xstate’s transition()', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 20 }), (events) => {
        let [ours]: [AnyMachineSnapshot, unknown] = pureInitialTransition(testCounterMachine, {
          padBytes: 3,
        });
        let [theirs]: [AnyMachineSnapshot, unknown] = initialTransition(testCounterMachine, { padBytes: 3 });
        expect(testCounterMachine.getPersistedSnapshot(ours)).toEqual(
          testCounterMachine.getPersistedSnapshot(theirs),
        );
        for (const event of events) {
          const [a, aActions] = pureTransition(testCounterMachine, ours, event);
          const [b, bActions] = transition(testCounterMachine, theirs as never, event);
          expect(testCounterMachine.getPersistedSnapshot(a)).toEqual(
            testCounterMachine.getPersistedSnapshot(b),
          );
          expect(emitted(aActions)).toEqual(emitted(bActions));
          [ours, theirs] = [a, b];
        }
      }),
      { numRuns: 50 },
    );
  });

  it('throws what the machine throws, and keeps working afterwards', () => {
    const [s0] = initialTransition(testCounterMachine, {});
    expect(() =>
      pureTransition(testCounterMachine, s0, { type: 'test.add', at, value: 'poison' } as TestCounterEvent),
    ).toThrow('poison');
    const [s1, actions] = pureTransition(testCounterMachine, s0, {
      type: 'test.add',
      at,
      value: 1,
    } as TestCounterEvent);
    expect(s1.context).toMatchObject({ values: [1] });
    expect(emitted(actions)).toEqual([{ type: 'effect.test.record', value: 1 }]);
  });
});
