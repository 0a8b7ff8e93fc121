// A Mermaid `stateDiagram-v2` for a machine definition: states (nested and parallel), initial and final
// markers, and every transition labelled with its event and guard. Pure: a string from a value.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { transitionLabel } from './diagram-labels.ts';

type Transition = NonNullable<AnyStateNode['always']>[number];

function childrenOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states) as AnyStateNode[];
}

function transitionsOf(node: AnyStateNode): Transition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

/** Mermaid ids are plain identifiers: "lead.QUALIFYING.dimensions" → "lead_QUALIFYING_dimensions". */
function createIds(machine: AnyStateMachine): (node: AnyStateNode) => string {
  const ids = new Map<AnyStateNode, string>();
  const used = new Set<string>();
  return (node) => {
    let id = ids.get(node);
    if (id === undefined) {
      const base = [machine.id, ...node.path].join('_').replace(/[^A-Za-z0-9_]/g, '_');
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
      ids.set(node, id);
      used.add(id);
    }
    return id;
  };
}

/**
 * Where Mermaid wants the edge declared: inside the innermost state containing both ends, or at the top
 * level (null) for the machine's own transitions, which are drawn from the machine's box.
 */
function edgeOwner(source: AnyStateNode, target: AnyStateNode): AnyStateNode | null {
  const ancestors = new Set<AnyStateNode>();
  for (let n = source.parent; n !== undefined; n = n.parent) ancestors.add(n);
  for (let n = target.parent; n !== undefined; n = n.parent) if (ancestors.has(n)) return n;
  return null;
}

export function toMermaid(machine: AnyStateMachine): string {
  const idOf = createIds(machine);
  const edges = new Map<AnyStateNode | null, string[]>();
  const all: AnyStateNode[] = [];
  const collect = (node: AnyStateNode): void => {
    all.push(node);
    childrenOf(node).forEach(collect);
  };
  collect(machine.root);
  for (const node of all) {
    for (const transition of transitionsOf(node)) {
      // A transition without a target runs actions and stays: drawn as a loop on its state.
      for (const target of transition.target ?? [node]) {
        const owner = edgeOwner(node, target);
        const line = `${idOf(node)} --> ${idOf(target)} : ${transitionLabel(transition)}`;
        edges.set(owner, [...(edges.get(owner) ?? []), line]);
      }
    }
  }

  const lines: string[] = ['stateDiagram-v2'];
  const declare = (node: AnyStateNode, indent: string): void => {
    const label = `state "${node.key.replace(/"/g, "'")}" as ${idOf(node)}`;
    const children = childrenOf(node);
    if (children.length === 0) {
      lines.push(`${indent}${label}`);
      return;
    }
    lines.push(`${indent}${label} {`);
    const inner = `${indent}  `;
    const initial = node.type === 'compound' ? node.initial.target[0] : undefined;
    if (initial !== undefined) lines.push(`${inner}[*] --> ${idOf(initial)}`);
    children.forEach((child, index) => {
      if (node.type === 'parallel' && index > 0) lines.push(`${inner}--`);
      declare(child, inner);
      if (child.type === 'final') lines.push(`${inner}${idOf(child)} --> [*]`);
    });
    for (const edge of edges.get(node) ?? []) lines.push(`${inner}${edge}`);
    lines.push(`${indent}}`);
  };
  lines.push(`  [*] --> ${idOf(machine.root)}`);
  declare(machine.root, '  ');
  for (const edge of edges.get(null) ?? []) lines.push(`  ${edge}`);
  return `${lines.join('\n')}\n`;
}
