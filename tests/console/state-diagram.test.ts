// The lead page's state diagram from the lead machine itself: the statuses, the transitions between them
// (with their events), the fan into opting out bundled, and the SVG with the current status lit.
import { describe, expect, it } from 'vitest';
import {
  ANY_STATE,
  bundleCommonTargets,
  layoutStateGraph,
  MOST_STATES,
  renderStateDiagram,
  stateGraph,
} from '../../src/console/state-diagram.ts';
import { leadStatuses } from '../../src/domain/lead-statuses.ts';
import { exportableMachines } from '../../src/machines/registry.ts';

const machine = exportableMachines().find((m) => m.id === 'lead')!.machine;

describe('state diagram', () => {
  const graph = stateGraph(machine);
  const edge = (from: string, to: string) => graph.edges.find((e) => e.from === from && e.to === to);

  it('has every status and the transitions between them, labelled by event', () => {
    expect([...graph.states].sort()).toEqual([...leadStatuses].sort());
    expect(edge('PENDING_APPROVAL', 'AWAITING_DEPOSIT')?.labels).toEqual(['artist.approve']);
    expect(edge('BOOKING', 'BOOKED')?.labels).toEqual(['booking.reserved']);
    expect(edge(ANY_STATE, 'QUALIFYING')?.labels).toEqual(['lead.reset']);
    expect(edge('BOOKED', 'BOOKING')).toBeUndefined();
  });

  it('bundles a target most statuses lead to into one edge that keeps its sources', () => {
    const bundled = bundleCommonTargets(graph);
    const optOut = bundled.edges.filter((e) => e.to === 'OPTED_OUT');
    expect(optOut).toHaveLength(1);
    expect([ANY_STATE, MOST_STATES]).toContain(optOut[0]?.from);
    expect(optOut[0]?.sources).toEqual(expect.arrayContaining(['NEW', 'QUALIFYING', 'BOOKED']));
    // Opting out and asking for a human are drawn once each, from a pseudo-state.
    for (const to of ['OPTED_OUT', 'NEEDS_HUMAN'])
      expect(bundled.edges.filter((e) => e.to === to).map((e) => e.from)).toEqual([
        expect.stringMatching(/^[*+]$/),
      ]);
    // The main path keeps its own arrows.
    expect(
      bundled.edges.find((e) => e.from === 'PENDING_APPROVAL' && e.to === 'AWAITING_DEPOSIT'),
    ).toBeDefined();
  });

  it('renders the SVG with the current status lit and its ways out labelled', () => {
    const svg = renderStateDiagram(layoutStateGraph(bundleCommonTargets(graph)), 'PENDING_APPROVAL').value;
    expect(svg).toContain('<g class="state current" data-state="PENDING_APPROVAL" aria-current="true">');
    expect(svg.match(/class="state current"/g)).toHaveLength(1);
    expect(svg).toContain('Current status: PENDING_APPROVAL. From here:');
    expect(svg).toMatch(/class="edge next" data-from="PENDING_APPROVAL" data-to="REJECTED">/);
    expect(svg).toContain('>artist.reject</text>');
    expect(svg).not.toContain('undefined');
  });
});
