// The lead machine's statuses as an SVG state diagram, drawn on the server (no script, no CDN) with the
// current status lit and the transitions out of it labelled. The graph comes from the machine itself
// (its statuses, the atomic states, and the transitions between them, labelled as `leadline machines
// export` labels them; a return to the status left, a history state, is one pseudo-state), so the picture follows the machine; @dagrejs/dagre lays it out (the layered layout Mermaid uses
// for state diagrams). The layout is computed once per machine; each page only picks the lit status.
import { graphlib, layout as dagreLayout, type GraphLabel } from '@dagrejs/dagre';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { transitionLabel } from '../machines/diagram-labels.ts';
import { escapeHtml, trusted, type Html } from './html.ts';

/** The pseudo-state for transitions the machine takes from any status (a reset, a handover). */
export const ANY_STATE = '*';
/** The pseudo-state for a target most statuses lead to (opting out, asking for a human): drawn once. */
export const MOST_STATES = '+';
/** The pseudo-state for a history target: back to the status the lead left (after a handover, …). */
export const LEFT_STATUS = 'H';

const PSEUDO_LABELS: Record<string, string> = {
  [ANY_STATE]: 'any status',
  [MOST_STATES]: 'most statuses',
  [LEFT_STATUS]: 'the status it left',
};

export interface StateEdge {
  from: string;
  to: string;
  /** The statuses the transitions leave (one, or many for a pseudo-state's edge). */
  sources: string[];
  /** "event [guard]" of every transition between them, deduplicated. */
  labels: string[];
}

export interface StateGraph {
  states: string[];
  edges: StateEdge[];
}

type Transition = NonNullable<AnyStateNode['always']>[number];

interface Point {
  x: number;
  y: number;
}
/** What dagre reads (width, height) and writes (x, y; an edge's points) on nodes and edges. */
interface NodeBox {
  width: number;
  height: number;
  x?: number;
  y?: number;
}
interface EdgeRoute {
  points?: Point[];
}

function transitionsOf(node: AnyStateNode): Transition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

/** The statuses: the machine's atomic states (a compound state groups statuses; history is not one). */
function statusNodes(node: AnyStateNode): AnyStateNode[] {
  return (Object.values(node.states) as AnyStateNode[]).flatMap((child) =>
    child.type === 'history' ? [] : child.type === 'atomic' ? [child] : statusNodes(child),
  );
}

/**
 * Pure: the statuses and the transitions that change the status. A compound state's own transitions leave
 * each of its statuses; a history target is drawn to LEFT_STATUS.
 */
export function stateGraph(machine: AnyStateMachine): StateGraph {
  const root = machine.root;
  const statuses = statusNodes(root);
  const states = statuses.map((node) => node.key);
  const edges = new Map<string, StateEdge>();
  const add = (from: string, transition: Transition): void => {
    for (const target of transition.target ?? []) {
      const to = target.type === 'history' ? LEFT_STATUS : target.key;
      if (to === from) continue;
      const key = `${from}\u0000${to}`;
      const edge = edges.get(key) ?? {
        from,
        to,
        sources: from === ANY_STATE ? states : [from],
        labels: [],
      };
      const label = transitionLabel(transition);
      if (!edge.labels.includes(label)) edge.labels.push(label);
      edges.set(key, edge);
    }
  };
  for (const transition of transitionsOf(root)) add(ANY_STATE, transition);
  for (const status of statuses)
    for (let node: AnyStateNode | undefined = status; node !== undefined && node !== root; node = node.parent)
      for (const transition of transitionsOf(node)) add(status.key, transition);
  return { states, edges: [...edges.values()] };
}

/**
 * Pure: edges into a status that at least `min` statuses lead to become one edge from MOST_STATES (its
 * sources and labels kept), so the picture shows the shape of the funnel rather than a fan of arrows.
 */
export function bundleCommonTargets(graph: StateGraph, min = 8): StateGraph {
  const into = new Map<string, StateEdge[]>();
  for (const edge of graph.edges.filter((e) => e.from !== ANY_STATE))
    into.set(edge.to, [...(into.get(edge.to) ?? []), edge]);
  // A target the machine reaches from any status already has one edge: the others' labels join it.
  const fromAny = new Map(graph.edges.filter((e) => e.from === ANY_STATE).map((e) => [e.to, e]));
  const bundled = new Set([...into].filter(([, list]) => list.length >= min).map(([to]) => to));
  const kept = graph.edges
    .filter((e) => e.from === ANY_STATE || !bundled.has(e.to))
    .map((e) => {
      const list = e.from === ANY_STATE && bundled.has(e.to) ? (into.get(e.to) ?? []) : [];
      return list.length === 0
        ? e
        : { ...e, labels: [...new Set([...e.labels, ...list.flatMap((x) => x.labels)])] };
    });
  const bundles = [...bundled]
    .filter((to) => !fromAny.has(to))
    .map((to) => {
      const list = into.get(to) ?? [];
      return {
        from: MOST_STATES,
        to,
        sources: list.map((e) => e.from),
        labels: [...new Set(list.flatMap((e) => e.labels))],
      };
    });
  return { states: graph.states, edges: [...kept, ...bundles] };
}

export interface DiagramLayout {
  width: number;
  height: number;
  nodes: { id: string; label: string; x: number; y: number; width: number; height: number }[];
  edges: (StateEdge & { points: Point[] })[];
}

const NODE_HEIGHT = 30;
const CHAR_WIDTH = 8;

export function layoutStateGraph(graph: StateGraph): DiagramLayout {
  const g = new graphlib.Graph<GraphLabel, NodeBox, EdgeRoute>();
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const label = (id: string) => PSEUDO_LABELS[id] ?? id;
  const pseudo = [
    ...[ANY_STATE, MOST_STATES].filter((id) => graph.edges.some((e) => e.from === id)),
    ...(graph.edges.some((e) => e.to === LEFT_STATUS) ? [LEFT_STATUS] : []),
  ];
  const ids = [...pseudo, ...graph.states];
  for (const id of ids) g.setNode(id, { width: label(id).length * CHAR_WIDTH + 24, height: NODE_HEIGHT });
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to, {});
  dagreLayout(g);
  const size = g.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    nodes: ids.map((id) => {
      const n = g.node(id);
      return { id, label: label(id), x: n.x ?? 0, y: n.y ?? 0, width: n.width, height: n.height };
    }),
    edges: graph.edges.map((edge) => ({ ...edge, points: g.edge(edge.from, edge.to).points ?? [] })),
  };
}

const layouts = new WeakMap<AnyStateMachine, DiagramLayout>();

export function machineLayout(machine: AnyStateMachine): DiagramLayout {
  let layout = layouts.get(machine);
  if (layout === undefined) {
    layout = layoutStateGraph(bundleCommonTargets(stateGraph(machine)));
    layouts.set(machine, layout);
  }
  return layout;
}

const round = (n: number) => Math.round(n * 10) / 10;

function pathOf(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)} ${round(p.y)}`).join(' ');
}

/** Short form of a transition label for the diagram: the event without its guard. */
function eventOnly(label: string): string {
  return label.replace(/ \[.*$/, '');
}

/**
 * The diagram with `current` lit. Transitions out of it are drawn dark and labelled with their events;
 * every edge carries its full labels as a tooltip. A text alternative names the current status and
 * where it can go.
 */
export function renderStateDiagram(layout: DiagramLayout, current: string): Html {
  const next = layout.edges.filter((e) => e.sources.includes(current));
  const description = `State diagram of the lead's statuses. Current status: ${current}. From here: ${
    [...new Set(next.map((e) => e.to))].join(', ') || 'nowhere'
  }.`;
  const edges = layout.edges
    .map((e) => {
      const lit = e.sources.includes(current);
      const from = e.from === ANY_STATE ? 'any status' : e.sources.join(', ');
      const title = `${from} → ${e.to}: ${e.labels.join('; ')}`;
      const mid = e.points[Math.floor(e.points.length / 2)];
      const text =
        lit && mid
          ? `<text x="${round(mid.x + 4)}" y="${round(mid.y - 3)}" font-size="11" fill="#7a3e00" class="edge-label">${escapeHtml(
              [...new Set(e.labels.map(eventOnly))].join(', '),
            )}</text>`
          : '';
      return `<g class="edge${lit ? ' next' : ''}" data-from="${escapeHtml(e.from)}" data-to="${escapeHtml(e.to)}"><title>${escapeHtml(
        title,
      )}</title><path d="${pathOf(e.points)}" fill="none" stroke="${lit ? '#7a3e00' : '#9aa5b1'}" stroke-width="${
        lit ? 2 : 1
      }" marker-end="url(#arrow${lit ? '-lit' : ''})"/>${text}</g>`;
    })
    .join('');
  const nodes = layout.nodes
    .map((n) => {
      const lit = n.id === current;
      const any = n.id in PSEUDO_LABELS;
      return `<g class="state${lit ? ' current' : ''}" data-state="${escapeHtml(n.id)}"${
        lit ? ' aria-current="true"' : ''
      }><rect x="${round(n.x - n.width / 2)}" y="${round(n.y - n.height / 2)}" width="${n.width}" height="${
        n.height
      }" rx="${any ? 0 : 14}" fill="${lit ? '#16324f' : '#fff'}" stroke="${lit ? '#f4b400' : '#16324f'}" stroke-width="${
        lit ? 3 : 1
      }"${any ? ' stroke-dasharray="4 3"' : ''}/><text x="${round(n.x)}" y="${round(n.y + 4.5)}" text-anchor="middle" font-size="13" font-family="system-ui,sans-serif" fill="${
        lit ? '#fff' : '#1a1a1a'
      }"${lit ? ' font-weight="bold"' : ''}>${escapeHtml(n.label)}</text></g>`;
    })
    .join('');
  const marker = (id: string, color: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${color}"/></marker>`;
  return trusted(
    `<svg class="state-diagram" role="img" aria-labelledby="diagram-title" data-current="${escapeHtml(current)}" viewBox="0 0 ${layout.width} ${layout.height}" width="100%" style="max-width:${layout.width}px"><title id="diagram-title">${escapeHtml(
      description,
    )}</title><defs>${marker('arrow', '#9aa5b1')}${marker('arrow-lit', '#7a3e00')}</defs>${edges}${nodes}</svg>`,
  );
}
