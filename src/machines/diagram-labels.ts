// Human labels for a machine's transitions in diagrams: the event ("after 1000ms" rather than
// "xstate.after.1000.lead.x") and the guard in brackets, higher-order guards spelt out.
import type { AnyStateNode } from 'xstate';

type Transition = NonNullable<AnyStateNode['always']>[number];

function eventLabel(eventType: string): string {
  if (eventType === '') return 'always';
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after?.[1] !== undefined) return /^\d+$/.test(after[1]) ? `after ${after[1]}ms` : `after ${after[1]}`;
  if (eventType.startsWith('xstate.done.state.')) return 'done';
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (actor?.[1] !== undefined && actor[2] !== undefined) return `${actor[1]} (${actor[2]})`;
  return eventType;
}

/** `{ intent: 'opt_out' }` → "(opt_out)": primitive parameter values tell guarded branches apart. */
function paramsLabel(params: unknown): string {
  if (typeof params !== 'object' || params === null) return '';
  const values = Object.values(params).filter((v): v is string | number | boolean =>
    ['string', 'number', 'boolean'].includes(typeof v),
  );
  return values.length === 0 ? '' : `(${values.map(String).join(', ')})`;
}

function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    // and()/or()/not() are functions named after themselves that carry their operands in `guards`.
    const operands: unknown = (guard as { guards?: unknown }).guards;
    if (Array.isArray(operands)) {
      const parts = operands.map(guardLabel);
      if (guard.name === 'not') return `!${parts.join('')}`;
      return `(${parts.join(guard.name === 'or' ? ' || ' : ' && ')})`;
    }
    return guard.name === '' ? 'inline guard' : guard.name;
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard && typeof guard.type === 'string') {
    return `${guard.type}${paramsLabel('params' in guard ? guard.params : undefined)}`;
  }
  return 'guard';
}

/** Mermaid ends a label at a line break and reads ";", "#" and braces specially: keep them out. */
function safe(text: string): string {
  return text.replace(/[\r\n;#{}:]+/g, ' ').trim();
}

export function transitionLabel(transition: Transition): string {
  const event = eventLabel(String(transition.eventType));
  const guard = transition.guard === undefined ? '' : ` [${guardLabel(transition.guard)}]`;
  return safe(`${event}${guard}`);
}
