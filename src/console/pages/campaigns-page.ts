// Campaigns: the list with a form to create one, and a campaign's page with its runs, each with a progress
// bar and counters (polled while the page is open) and pause / resume / cancel.
import type { Campaign, FieldIssue } from '../../campaigns/campaign-definition.ts';
import type { RunView } from '../../campaigns/campaign-runs.ts';
import { leadStatuses } from '../../domain/lead-statuses.ts';
import type { FormValues } from '../campaign-form.ts';
import { html, shortTime, type Html } from '../html.ts';
import { csrfField } from '../layout.ts';

/** Form control id per field path of the campaign input. */
const FIELD_IDS: Record<string, string> = {
  id: 'c-id',
  studioId: 'c-studio',
  name: 'c-name',
  channel: 'c-channel',
  'segment.status': 'c-status',
  'segment.tags': 'c-tags',
  'segment.inactiveFor': 'c-inactive',
  'message.template': 'c-template',
  'message.params': 'c-params',
  'message.text': 'c-text',
  'schedule.daily': 'c-daily',
  dailyQuota: 'c-quota',
  ratePerMinute: 'c-rate',
};

function fieldIdOf(path: string): string | undefined {
  const exact = FIELD_IDS[path];
  if (exact) return exact;
  const prefix = Object.keys(FIELD_IDS).find((k) => path.startsWith(`${k}.`));
  return prefix === undefined ? undefined : FIELD_IDS[prefix];
}

function value(form: FormValues, name: string): string {
  const v = form[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function segmentText(c: Campaign): string {
  const s = c.segment;
  const parts = [
    s.status?.length ? `status ${s.status.join('/')}` : '',
    s.tags?.length ? `tags ${s.tags.join(', ')}` : '',
    s.birthdayToday ? 'birthday today' : '',
    s.inactiveFor ? `inactive for ${s.inactiveFor}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? 'every lead of the studio' : parts.join(' · ');
}

function campaignForm(input: {
  studios: readonly { id: string; templates: readonly string[] }[];
  form: FormValues;
  issues: readonly FieldIssue[];
  csrf: string;
}): Html {
  const { form, issues } = input;
  const invalid = new Map<string, string>();
  for (const issue of issues) {
    const id = fieldIdOf(issue.path);
    if (id && !invalid.has(id)) invalid.set(id, issue.message);
  }
  const attrs = (id: string) =>
    invalid.has(id) ? html` aria-invalid="true" aria-describedby="${id}-error"` : html``;
  const error = (id: string) =>
    invalid.has(id) ? html`<span class="error" id="${id}-error">${invalid.get(id)}</span>` : '';
  const chosenStatuses = new Set(
    Array.isArray(form['segmentStatus']) ? form['segmentStatus'] : [value(form, 'segmentStatus')],
  );
  const templates = [...new Set(input.studios.flatMap((s) => s.templates))];
  return html`<form method="post" action="/console/campaigns" class="campaign-form" aria-labelledby="new-h">
    <h2 id="new-h">New campaign</h2>
    ${
      issues.length > 0
        ? html`<div class="error" role="alert">
            <p>The campaign was not created:</p>
            <ul>
              ${issues.map((i) => {
                const id = fieldIdOf(i.path);
                return html`<li>${id ? html`<a href="#${id}">${i.path}</a>` : i.path}: ${i.message}</li>`;
              })}
            </ul>
          </div>`
        : ''
    }
    ${csrfField(input.csrf)}
    <div class="filters">
      <label for="c-name"
        >Name
        <input
          id="c-name"
          name="name"
          required
          maxlength="200"
          value="${value(form, 'name')}"
          ${attrs('c-name')}
        />${error('c-name')}</label
      >
      <label for="c-id"
        >Id (optional)
        <input
          id="c-id"
          name="id"
          pattern="[A-Za-z0-9_\\-]{1,64}"
          value="${value(form, 'id')}"
          ${attrs('c-id')}
        />${error('c-id')}</label
      >
      <label for="c-studio"
        >Studio
        <select id="c-studio" name="studioId" ${attrs('c-studio')}>
          ${input.studios.map((s) => html`<option value="${s.id}" ${value(form, 'studioId') === s.id ? html` selected` : ''}>${s.id}</option>`)}</select
        >${error('c-studio')}</label
      >
      <label for="c-channel"
        >Channel
        <select id="c-channel" name="channel" ${attrs('c-channel')}>
          <option value="whatsapp" ${value(form, 'channel') === 'sms' ? '' : html` selected`}>
            WhatsApp
          </option>
          <option value="sms" ${value(form, 'channel') === 'sms' ? html` selected` : ''}>SMS</option></select
        >${error('c-channel')}</label
      >
    </div>
    <fieldset>
      <legend>Segment (who gets it)</legend>
      <div class="filters">
        <label for="c-status"
          >Statuses (none: any)
          <select id="c-status" name="segmentStatus" multiple size="4" ${attrs('c-status')}>
            ${leadStatuses.map((s) => html`<option value="${s}" ${chosenStatuses.has(s) ? html` selected` : ''}>${s}</option>`)}</select
          >${error('c-status')}</label
        >
        <label for="c-tags"
          >Tags (comma-separated)
          <input
            id="c-tags"
            name="segmentTags"
            value="${value(form, 'segmentTags')}"
            ${attrs('c-tags')}
          />${error('c-tags')}</label
        >
        <label for="c-inactive"
          >Inactive for (e.g. 30d)
          <input
            id="c-inactive"
            name="segmentInactiveFor"
            value="${value(form, 'segmentInactiveFor')}"
            ${attrs('c-inactive')}
          />${error('c-inactive')}</label
        >
        <label for="c-birthday"
          ><span>Birthday today</span
          ><input
            id="c-birthday"
            name="segmentBirthdayToday"
            type="checkbox"
            ${value(form, 'segmentBirthdayToday') ? html` checked` : ''}
        /></label>
      </div>
    </fieldset>
    <fieldset>
      <legend>Message</legend>
      <div class="filters">
        <label for="c-template"
          >WhatsApp template
          <input
            id="c-template"
            name="template"
            list="c-templates"
            value="${value(form, 'template')}"
            ${attrs('c-template')}
          />${error('c-template')}</label
        >
        <datalist id="c-templates">${templates.map((t) => html`<option value="${t}"></option>`)}</datalist>
        <label for="c-params"
          >Template parameters (comma-separated, {name} from the contact)
          <input
            id="c-params"
            name="params"
            value="${value(form, 'params')}"
            ${attrs('c-params')}
          />${error('c-params')}</label
        >
        <label for="c-text"
          >SMS text
          <textarea id="c-text" name="text" rows="2" cols="40" ${attrs('c-text')}>
${value(form, 'text')}</textarea
          >${error('c-text')}</label
        >
      </div>
    </fieldset>
    <div class="filters">
      <label for="c-quota"
        >Daily quota
        <input
          id="c-quota"
          name="dailyQuota"
          type="number"
          min="1"
          required
          value="${value(form, 'dailyQuota') || '200'}"
          ${attrs('c-quota')}
        />${error('c-quota')}</label
      >
      <label for="c-rate"
        >Sends per minute
        <input
          id="c-rate"
          name="ratePerMinute"
          type="number"
          min="1"
          max="6000"
          value="${value(form, 'ratePerMinute') || '60'}"
          ${attrs('c-rate')}
        />${error('c-rate')}</label
      >
      <label for="c-daily"
        >Run daily at (studio time, optional)
        <input
          id="c-daily"
          name="scheduleDaily"
          type="time"
          value="${value(form, 'scheduleDaily')}"
          ${attrs('c-daily')}
        />${error('c-daily')}</label
      >
      <button type="submit">Create campaign</button>
    </div>
  </form>`;
}

export function campaignsPage(input: {
  campaigns: readonly (Campaign & { createdAt: Date })[];
  studios: readonly { id: string; templates: readonly string[] }[];
  form: FormValues;
  issues: readonly FieldIssue[];
  csrf: string;
}): Html {
  return html`${
    input.campaigns.length === 0
      ? html`<p>No campaigns yet.</p>`
      : html`<table>
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Studio</th>
              <th scope="col">Channel</th>
              <th scope="col">Segment</th>
              <th scope="col">Schedule</th>
              <th scope="col">Quota / rate</th>
            </tr>
          </thead>
          <tbody>
            ${input.campaigns.map(
              (c) =>
                html`<tr data-campaign="${c.id}">
                  <td><a href="/console/campaigns/${c.id}">${c.name}</a></td>
                  <td>${c.studioId}</td>
                  <td>${c.channel}</td>
                  <td>${segmentText(c)}</td>
                  <td>${c.schedule ? `daily at ${c.schedule.daily}` : 'manual'}</td>
                  <td>${c.dailyQuota}/day · ${c.ratePerMinute}/min</td>
                </tr>`,
            )}
          </tbody>
        </table>`
  }
  ${campaignForm(input)}`;
}

function runAction(campaignId: string, runId: string, csrf: string, action: string, label: string): Html {
  return html`<form method="post" action="/console/campaigns/${campaignId}/runs/${runId}/${action}">
    ${csrfField(csrf)}<button type="submit" class="secondary" aria-label="${label} run ${runId}">
      ${label}
    </button>
  </form>`;
}

/** The runs with their counters: the part of the campaign page that is polled. */
export function campaignRuns(campaignId: string, runs: readonly RunView[], csrf: string): Html {
  if (runs.length === 0) return html`<p>No runs yet.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Started</th>
        <th scope="col">Status</th>
        <th scope="col">Progress</th>
        <th scope="col">Sent</th>
        <th scope="col">Failed</th>
        <th scope="col">Pending</th>
        <th scope="col">Skipped</th>
        <th scope="col"><span class="skip">Actions</span></th>
      </tr>
    </thead>
    <tbody>
      ${runs.map((r) => {
        const skipped = Object.values(r.skipped).reduce((n, k) => n + k, 0);
        const done = r.sent + r.failed + skipped;
        const why = Object.entries(r.skipped)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ');
        return html`<tr data-run="${r.id}" data-status="${r.status}">
          <td>${shortTime(r.createdAt)} (${r.trigger})</td>
          <td data-field="status">${r.status}</td>
          <td>
            <progress
              id="p-${r.id}"
              max="${Math.max(1, r.targeted)}"
              value="${done}"
              aria-label="Run ${r.id}: ${done} of ${r.targeted} targets done"
            ></progress>
            <span data-field="done">${done} of ${r.targeted}</span>
          </td>
          <td data-field="sent">${r.sent}</td>
          <td data-field="failed">${r.failed}</td>
          <td data-field="pending">${r.pending}</td>
          <td data-field="skipped">${skipped}${why ? ` (${why})` : ''}</td>
          <td class="filters">
            ${r.status === 'running' ? runAction(campaignId, r.id, csrf, 'pause', 'Pause') : ''}
            ${r.status === 'paused' ? runAction(campaignId, r.id, csrf, 'resume', 'Resume') : ''}
            ${r.status === 'running' || r.status === 'paused' ? runAction(campaignId, r.id, csrf, 'cancel', 'Cancel') : ''}
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

export function campaignPage(input: {
  campaign: Campaign;
  runs: readonly RunView[];
  csrf: string;
  notice?: string | undefined;
}): Html {
  const { campaign: c, csrf } = input;
  return html`<p><a href="/console/campaigns">← All campaigns</a> · <code>${c.id}</code></p>
    ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
    <dl class="facts">
      <dt>Studio</dt>
      <dd>${c.studioId}</dd>
      <dt>Channel</dt>
      <dd>${c.channel}</dd>
      <dt>Segment</dt>
      <dd>${segmentText(c)}</dd>
      <dt>Message</dt>
      <dd>
        ${c.message.template ? `template ${c.message.template}${c.message.params.length ? ` (${c.message.params.join(', ')})` : ''}` : (c.message.text ?? '')}
      </dd>
      <dt>Limits</dt>
      <dd>${c.dailyQuota} a day, ${c.ratePerMinute} a minute</dd>
      <dt>Schedule</dt>
      <dd>${c.schedule ? `daily at ${c.schedule.daily}` : 'manual runs only'}</dd>
    </dl>
    <form method="post" action="/console/campaigns/${c.id}/runs">
      ${csrfField(csrf)}<button type="submit">Start a run</button>
    </form>
    <h2>Runs</h2>
    <div
      id="runs"
      hx-get="/console/campaigns/${c.id}/runs"
      hx-trigger="every 2s"
      hx-swap="innerHTML"
      aria-live="polite"
    >
      ${campaignRuns(c.id, input.runs, csrf)}
    </div>`;
}
