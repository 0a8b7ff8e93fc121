// Reconciliation runs (start one: hours back, optionally one studio) and channel health (each SMS number's
// last probe and its success over 24 hours), as tables. The runs table is polled while a run is going.
import type { RunView } from '../../reconciliation/run-store.ts';
import { html, shortTime, type Html } from '../html.ts';
import { csrfField } from '../layout.ts';

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

export function reconciliationRuns(runs: readonly RunView[]): Html {
  if (runs.length === 0) return html`<p>No reconciliation runs yet.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Started</th>
        <th scope="col">Status</th>
        <th scope="col">Studio</th>
        <th scope="col">Hours back</th>
        <th scope="col">Processed</th>
        <th scope="col">New (missed)</th>
        <th scope="col">Existing</th>
        <th scope="col">Consistency</th>
        <th scope="col">Duration</th>
        <th scope="col">Errors</th>
      </tr>
    </thead>
    <tbody>
      ${runs.map(
        (r) =>
          html`<tr data-run="${r.id}" data-status="${r.status}">
            <td>${shortTime(r.startedAt)} (${r.trigger})</td>
            <td data-field="status">${r.status}</td>
            <td>${r.studioId ?? 'all'}</td>
            <td>${r.hoursBack}</td>
            <td data-field="processed">${r.messagesProcessed}</td>
            <td data-field="new">${r.newMessages}</td>
            <td data-field="existing">${r.existingMessages}</td>
            <td data-field="consistency">${percent(r.consistencyRate)}</td>
            <td>${(r.durationMs / 1000).toFixed(1)} s</td>
            <td>
              ${r.errors.length === 0 ? 'none' : html`<code>${JSON.stringify(r.errors).slice(0, 300)}</code>`}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function reconciliationPage(input: {
  runs: readonly RunView[];
  studios: readonly string[];
  csrf: string;
  notice?: string | undefined;
  error?: string | undefined;
}): Html {
  return html`${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
    ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
    <form
      method="post"
      action="/console/reconciliation"
      class="filters"
      aria-label="Start a reconciliation run"
    >
      ${csrfField(input.csrf)}
      <label for="r-hours"
        >Hours back <input id="r-hours" name="hours" type="number" min="1" max="744" value="48" required
      /></label>
      <label for="r-studio"
        >Studio
        <select id="r-studio" name="studioId">
          <option value="">All studios</option>
          ${input.studios.map((s) => html`<option value="${s}">${s}</option>`)}
        </select></label
      >
      <button type="submit">Start a run</button>
    </form>
    <div id="runs" hx-get="/console/reconciliation/runs" hx-trigger="every 2s" hx-swap="innerHTML">
      ${reconciliationRuns(input.runs)}
    </div>`;
}
