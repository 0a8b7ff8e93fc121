// The funnel as charts: leads per status, leads that reached each step of the main path with the share of
// the step before, the median time spent in each status (finished stays), and the stuck leads.
import { barChart, duration } from '../charts.ts';
import type { FunnelFigures } from '../funnel-queries.ts';
import { html, shortTime, type Html } from '../html.ts';
import { leadStatuses } from '../../domain/lead-statuses.ts';

export function funnelPage(input: { figures: FunnelFigures; stuckAfter: string }): Html {
  const { steps, stays, stuck } = input.figures;
  const byStatus = new Map(stays.map((s) => [s.status, s]));
  const timed = leadStatuses.flatMap((s) => {
    const stay = byStatus.get(s);
    return stay?.medianMs === null || stay === undefined ? [] : [{ status: s, stay, ms: stay.medianMs }];
  });
  return html`${barChart({
      id: 'per-status',
      title: 'Leads per status',
      bars: leadStatuses.map((s) => ({ label: s, value: byStatus.get(s)?.current ?? 0 })),
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
      title: 'Median time in each status (stays that ended)',
      bars: timed.map(({ status, stay, ms }) => ({
        label: status,
        value: Math.round(ms / 1000),
        caption: `${duration(ms)} (${stay.finished} stay${stay.finished === 1 ? '' : 's'})`,
      })),
    })}
    ${timed.length === 0 ? html`<p>No lead has left a status yet.</p>` : ''}
    <h2>Stuck leads</h2>
    <p>Leads in a status that should move, in it for more than ${input.stuckAfter}.</p>
    ${
      stuck.length === 0
        ? html`<p data-testid="no-stuck">None.</p>`
        : html`<table data-testid="stuck">
            <thead>
              <tr>
                <th scope="col">Lead</th>
                <th scope="col">Studio</th>
                <th scope="col">Status</th>
                <th scope="col">In it since</th>
              </tr>
            </thead>
            <tbody>
              ${stuck.map(
                (l) =>
                  html`<tr>
                    <td><a href="/console/leads/${l.id}">${l.phone ?? l.id}</a></td>
                    <td>${l.studioId}</td>
                    <td>${l.status}</td>
                    <td>
                      <time datetime="${l.since.toISOString()}">${shortTime(l.since.toISOString())}</time>
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}
