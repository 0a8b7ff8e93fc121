// xstate's `transition(machine, snapshot, event)`, without its per-call cost. The library builds a fresh
// inert actor scope for every call, and building it eagerly computes the machine's initial snapshot (its
// context factory, entry actions — and, for factories that need `input`, a thrown and caught error). Per
// message that dominated the host's CPU, so the scope is built once per machine and reused; it is inert
// (no clock, no children, actions are only collected), which is exactly what pure machines need.
import {
  createActor,
  type ActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
  type ExecutableActionsFrom,
} from 'xstate';

interface ReusableScope {
  scope: ActorScope<AnyMachineSnapshot, EventObject>;
  collected: unknown[] | undefined;
}

const scopes = new WeakMap<AnyStateMachine, ReusableScope>();

function scopeFor(machine: AnyStateMachine): ReusableScope {
  const existing = scopes.get(machine);
  if (existing) return existing;
  const self = createActor(machine);
  const reusable: ReusableScope = { scope: undefined as never, collected: undefined };
  reusable.scope = {
    self,
    defer: () => undefined,
    id: '',
    logger: () => undefined,
    sessionId: '',
    stopChild: () => undefined,
    system: self.system,
    emit: () => undefined,
    actionExecutor: (action) => reusable.collected?.push(action),
  } as ActorScope<AnyMachineSnapshot, EventObject>;
  scopes.set(machine, reusable);
  return reusable;
}

function collecting<TMachine extends AnyStateMachine>(
  machine: TMachine,
  step: (scope: ActorScope<AnyMachineSnapshot, EventObject>) => unknown,
): [AnyMachineSnapshot, ExecutableActionsFrom<TMachine>[]] {
  const reusable = scopeFor(machine);
  const collected: unknown[] = [];
  reusable.collected = collected;
  try {
    const next = step(reusable.scope) as AnyMachineSnapshot;
    return [next, collected as ExecutableActionsFrom<TMachine>[]];
  } finally {
    reusable.collected = undefined;
  }
}

/** Same as xstate's `transition(machine, snapshot, event)`. */
export function pureTransition<TMachine extends AnyStateMachine>(
  machine: TMachine,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): [AnyMachineSnapshot, ExecutableActionsFrom<TMachine>[]] {
  return collecting(machine, (scope) => machine.transition(snapshot as never, event, scope as never));
}

/** Same as xstate's `initialTransition(machine, input)`. */
export function pureInitialTransition<TMachine extends AnyStateMachine>(
  machine: TMachine,
  input: unknown,
): [AnyMachineSnapshot, ExecutableActionsFrom<TMachine>[]] {
  return collecting(machine, (scope) => machine.getInitialSnapshot(scope as never, input as never));
}
