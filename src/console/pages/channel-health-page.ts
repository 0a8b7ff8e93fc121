// Channel health: each SMS number's latest end-to-end probe and its success over 24 hours.
import type { ChannelHealth } from '../../reconciliation/channel-health-status.ts';
import { html, shortTime, type Html } from '../html.ts';

function outcome(ok: boolean | null, probed: boolean): Html {
  if (!probed) return html`<span data-field="ok">sandbox: not probed (no credentials)</span>`;
  if (ok === null) return html`<span data-field="ok">no probe yet</span>`;
  return ok
    ? html`<span data-field="ok" class="tick">✓ ok</span>`
    : html`<strong data-field="ok" class="error">✗ failing</strong>`;
}

/** `probed`: the numbers of a provider with credentials; the others are the sandbox, never probed. */
export function channelHealthPage(channels: readonly ChannelHealth[], probed: ReadonlySet<string>): Html {
  if (channels.length === 0) return html`<p>No SMS numbers are configured: there is nothing to probe.</p>`;
  return html`<p>
      Every SMS number is probed hourly end to end: a message sent through the provider to the number itself
      must come back as a webhook within 60 s, the first time two minutes after the start. A number of a
      provider without credentials is the sandbox: nothing is sent, so it is not probed.
    </p>
    <table>
      <thead>
        <tr>
          <th scope="col">Studio</th>
          <th scope="col">Channel</th>
          <th scope="col">Provider</th>
          <th scope="col">Number</th>
          <th scope="col">Latest probe</th>
          <th scope="col">Outcome</th>
          <th scope="col">Probes (24 h)</th>
          <th scope="col">Success (24 h)</th>
        </tr>
      </thead>
      <tbody>
        ${channels.map(
          (c) =>
            html`<tr data-number="${c.number}">
              <td>${c.studioId}</td>
              <td>${c.channel}</td>
              <td>${c.provider}</td>
              <td>${c.number}</td>
              <td>${c.lastCheckAt ? shortTime(c.lastCheckAt) : '–'}</td>
              <td>${outcome(c.ok, probed.has(c.number))}${c.error ? html` <code>${c.error}</code>` : ''}</td>
              <td data-field="checks">${c.checks24h}</td>
              <td data-field="rate">
                ${c.successRate24h === null ? '–' : `${(c.successRate24h * 100).toFixed(0)}%`}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
