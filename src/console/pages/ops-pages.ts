// Dead letters (with replay) and system events.
import type { DeadLetter } from '../../actors/dead-letters.ts';
import type { SystemEventView } from '../../persistence/queries/system-events.ts';
import { html, shortTime, type Html } from '../html.ts';
import { csrfField } from '../layout.ts';

export function deadLettersPage(letters: readonly DeadLetter[], csrf: string, notice?: string): Html {
  return html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
  ${
    letters.length === 0
      ? html`<p>No dead letters: every message was applied.</p>`
      : html`<table>
          <thead>
            <tr>
              <th scope="col">Failed</th>
              <th scope="col">Lead</th>
              <th scope="col">Message</th>
              <th scope="col">Error</th>
              <th scope="col">Attempts</th>
              <th scope="col">Replayed</th>
              <th scope="col"><span class="skip">Action</span></th>
            </tr>
          </thead>
          <tbody>
            ${letters.map(
              (d) =>
                html`<tr data-dead-letter="${d.id}">
                  <td>${shortTime(d.failedAt)}</td>
                  <td><a href="/console/leads/${d.leadId}">${d.leadId}</a></td>
                  <td><code>${d.messageId}</code></td>
                  <td>${d.error}</td>
                  <td>${d.attempts}</td>
                  <td>
                    ${d.replayCount > 0 ? `${d.replayCount}× (last ${d.replayedAt ? shortTime(d.replayedAt) : ''})` : 'no'}
                  </td>
                  <td>
                    <form method="post" action="/console/dead-letters/${d.id}/replay">
                      ${csrfField(csrf)}<button type="submit" aria-label="Replay dead letter ${d.id}">
                        Replay
                      </button>
                    </form>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`
  }`;
}

export function systemEventsPage(
  events: readonly SystemEventView[],
  filter: { type?: string | undefined; level?: string | undefined },
): Html {
  const levels = ['', 'debug', 'info', 'warn', 'error'];
  return html`<form class="filters" method="get" action="/console/events">
      <label for="e-type">Type<input id="e-type" name="type" value="${filter.type ?? ''}" /></label>
      <label for="e-level"
        >Level<select id="e-level" name="level">
          ${levels.map((l) => html`<option value="${l}" ${filter.level === l ? html` selected` : ''}>${l === '' ? 'Any level' : l}</option>`)}
        </select></label
      >
      <button type="submit">Show</button>
    </form>
    <table>
      <thead>
        <tr>
          <th scope="col">At</th>
          <th scope="col">Level</th>
          <th scope="col">Type</th>
          <th scope="col">Lead</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        ${events.map(
          (e) =>
            html`<tr>
              <td>${shortTime(e.at)}</td>
              <td>${e.level}</td>
              <td>${e.type}</td>
              <td>${e.leadId ? html`<a href="/console/leads/${e.leadId}">${e.leadId}</a>` : ''}</td>
              <td><code>${JSON.stringify(e.payload).slice(0, 300)}</code></td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
