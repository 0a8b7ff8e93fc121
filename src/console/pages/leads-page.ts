// The leads list: filters by studio, status and channel, search by phone, email or text in the answers,
// paging.
import { leadStatuses } from '../../domain/lead-statuses.ts';
import type { LeadView } from '../../persistence/queries/leads.ts';
import { PAGE_SIZE, type LeadsQuery } from '../console-queries.ts';
import { html, shortTime, type Html } from '../html.ts';

const CHANNELS = [
  ['whatsapp', 'WhatsApp'],
  ['sms', 'SMS'],
  ['web', 'Web chat'],
  ['app', 'App'],
  ['api', 'API'],
] as const;

function option(value: string, label: string, selected: string | undefined): Html {
  return html`<option value="${value}" ${selected === value ? html` selected` : ''}>${label}</option>`;
}

function pageLink(query: LeadsQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.studio) params.set('studio', query.studio);
  if (query.status) params.set('status', query.status);
  if (query.channel) params.set('channel', query.channel);
  if (query.q) params.set('q', query.q);
  params.set('page', String(page));
  return `/console/leads?${params.toString()}`;
}

/** A lead without a phone is shown by its email or device id. */
function leadLabel(lead: LeadView): string {
  return lead.identifiers[0]?.value ?? lead.id;
}

export function leadsPage(input: {
  query: LeadsQuery;
  studios: readonly string[];
  leads: readonly LeadView[];
  total: number;
}): Html {
  const { query } = input;
  const pages = Math.max(1, Math.ceil(input.total / PAGE_SIZE));
  return html`<form class="filters" method="get" action="/console/leads" role="search">
      <label for="f-studio"
        >Studio<select id="f-studio" name="studio">
          ${option('', 'All studios', query.studio ?? '')}${input.studios.map((s) => option(s, s, query.studio))}
        </select></label
      >
      <label for="f-status"
        >Status<select id="f-status" name="status">
          ${option('', 'Any status', query.status ?? '')}${leadStatuses.map((s) => option(s, s, query.status))}
        </select></label
      >
      <label for="f-channel"
        >Channel<select id="f-channel" name="channel">
          ${option('', 'Any channel', query.channel ?? '')}${CHANNELS.map(([v, l]) => option(v, l, query.channel))}
        </select></label
      >
      <label for="f-q"
        >Phone or email<input
          id="f-q"
          name="q"
          type="search"
          value="${query.q ?? ''}"
          placeholder="+44 7700…"
      /></label>
      <button type="submit">Show</button>
    </form>
    <p aria-live="polite">
      ${input.total} lead${input.total === 1 ? '' : 's'} · page ${query.page} of ${pages}
    </p>
    <table>
      <thead>
        <tr>
          <th scope="col">Lead</th>
          <th scope="col">Name</th>
          <th scope="col">Studio</th>
          <th scope="col">Channel</th>
          <th scope="col">Status</th>
          <th scope="col">Step</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        ${input.leads.map(
          (lead) =>
            html`<tr>
              <td><a href="/console/leads/${lead.id}">${lead.phone ?? leadLabel(lead)}</a></td>
              <td>${lead.name ?? ''}</td>
              <td>${lead.studioId}</td>
              <td>${lead.channel ?? ''}</td>
              <td>${lead.status}</td>
              <td>${lead.step ?? ''}</td>
              <td>
                <time datetime="${lead.updatedAt}">${shortTime(lead.updatedAt)}</time>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    <nav class="pager" aria-label="Pages">
      ${query.page > 1 ? html`<a href="${pageLink(query, query.page - 1)}" rel="prev">← Previous</a>` : ''}
      ${query.page < pages ? html`<a href="${pageLink(query, query.page + 1)}" rel="next">Next →</a>` : ''}
    </nav>`;
}
