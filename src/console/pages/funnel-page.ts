// The funnel: leads per status, conversion from step to step of the main path, median time since the last
// change per status, and stuck leads. "Reached" is judged from the current status (a REJECTED lead reached
// approval; a DEPOSIT_EXPIRED one reached the deposit), since leads keep no status history yet.
import type { StatusFigure } from '../console-queries.ts';
import { barChart, duration } from '../charts.ts';
import { html, type Html } from '../html.ts';
import { leadStatuses } from '../../domain/lead-statuses.ts';

export const FUNNEL_STEPS = [
  'NEW',
  'QUALIFYING',
  'PENDING_APPROVAL',
  'AWAITING_DEPOSIT',
  'BOOKING',
  'BOOKED',
] as const;

/** How far along the main path a lead in this status got (index into FUNNEL_STEPS). */
const REACHED: Record<string, number> = {
  NEW: 0,
  OPTED_OUT: 0,
  QUALIFYING: 1,
  NEEDS_HUMAN: 1,
  STALE: 1,
  PENDING_APPROVAL: 2,
  REJECTED: 2,
  AWAITING_DEPOSIT: 3,
  DEPOSIT_EXPIRED: 3,
  BOOKING: 4,
  BOOKED: 5,
};

/** Pure: leads that reached each step and the share of the previous step's that did. */
export function conversion(
  figures: readonly StatusFigure[],
): { step: string; reached: number; rate: number | null }[] {
  return FUNNEL_STEPS.map((step, i) => {
    const reached = figures.filter((f) => (REACHED[f.status] ?? 0) >= i).reduce((n, f) => n + f.count, 0);
    return { step, reached, rate: null as number | null };
  }).map((row, i, rows) => {
    const previous = rows[i - 1]?.reached;
    return { ...row, rate: previous === undefined || previous === 0 ? null : row.reached / previous };
  });
}

export interface StuckLead {
  id: string;
  studio_id: string;
  phone: string | null;
  status: string;
  updated_at: Date;
}

export function funnelPage(input: {
  figures: readonly StatusFigure[];
  stuck: readonly StuckLead[];
  stuckAfter: string;
}): Html {
  const byStatus = new Map(input.figures.map((f) => [f.status, f]));
  const steps = conversion(input.figures);
  return html`${barChart({
      id: 'per-status',
      title: 'Leads per status',
      bars: leadStatuses.map((s) => ({ label: s, value: byStatus.get(s)?.count ?? 0 })),
    })}
    ${barChart({
      id: 'conversion',
      title: 'Conversion from step to step (leads that reached each step)',
      bars: steps.map((s) => ({
        label: s.step,
        value: s.reached,
        caption: `${s.reached}${s.rate === null ? '' : ` (${Math.round(s.rate * 100)}% of the step before)`}`,
      })),
    })}
    ${barChart({
      id: 'median-time',
      title: 'Median time in the current state (since the lead last changed)',
      bars: leadStatuses
        .filter((s) => byStatus.has(s))
        .map((s) => {
          const ms = byStatus.get(s)?.medianIdleMs ?? 0;
          return { label: s, value: Math.round(ms / 1000), caption: duration(ms) };
        }),
    })}
    <h2>Stuck leads</h2>
    <p>Leads waiting in a status that should move, untouched for more than ${input.stuckAfter}.</p>
    ${
      input.stuck.length === 0
        ? html`<p>None.</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">Lead</th>
                <th scope="col">Studio</th>
                <th scope="col">Status</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              ${input.stuck.map(
                (l) =>
                  html`<tr>
                    <td><a href="/console/leads/${l.id}">${l.phone ?? l.id}</a></td>
                    <td>${l.studio_id}</td>
                    <td>${l.status}</td>
                    <td>${l.updated_at.toISOString().slice(0, 16).replace('T', ' ')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}
