// One lead: its status among the machine's statuses and in the machine's state diagram (the current one
// lit), transcript with delivery ticks, answers, and the control actions. The live part is polled by htmx
// every two seconds and re-sent only when it changed (leadLiveRegion).
import { leadStatuses } from '../../domain/lead-statuses.ts';
import type { LeadView } from '../../persistence/queries/leads.ts';
import type { MessageView } from '../../persistence/queries/transcript.ts';
import { html, type Html } from '../html.ts';
import { csrfField } from '../layout.ts';
import { renderStateDiagram, type DiagramLayout } from '../state-diagram.ts';

const TICKS: Record<string, [string, string]> = {
  sent: ['✓', 'sent'],
  delivered: ['✓✓', 'delivered'],
  read: ['✓✓', 'read'],
  failed: ['✗', 'failed'],
  sandbox: ['◌', 'recorded by the sandbox (not sent)'],
};

function ticks(status: string | null): Html {
  if (status === null) return html`<span class="meta" title="queued">…</span>`;
  const [mark, label] = TICKS[status] ?? ['?', status];
  return html`<span class="meta tick tick-${status}" title="${label}" aria-label="${label}"
    >${mark} ${status}</span
  >`;
}

/** A photo the lead sent (any channel): shown from its stored attachment once the pipeline has it. */
function picture(leadId: string, m: MessageView): Html | '' {
  const mediaId = m.data?.['mediaId'];
  if (m.kind !== 'image' || typeof mediaId !== 'string') return '';
  return html`<img
    class="photo"
    src="/console/leads/${leadId}/media?id=${encodeURIComponent(mediaId)}"
    alt="${m.text ? `Photo: ${m.text}` : 'Photo from the lead'}"
  />`;
}

function message(leadId: string, m: MessageView): Html {
  return html`<div class="msg ${m.direction}" data-direction="${m.direction}" data-kind="${m.kind}">
    ${picture(leadId, m)}${m.text ?? `(${m.kind})`}
    <div class="meta">
      <time datetime="${m.at}">${m.at.slice(11, 19)}</time>
      ${m.direction === 'out' ? ticks(m.deliveryStatus) : ''}
    </div>
  </div>`;
}

/** The part of the page that changes: state, answers, transcript (polled). */
export function leadLive(lead: LeadView, messages: readonly MessageView[], diagram: DiagramLayout): Html {
  return html`<section aria-labelledby="state-h">
      <h2 id="state-h">State</h2>
      <ol class="states" data-current="${lead.status}">
        ${leadStatuses.map(
          (s) => html`<li${s === lead.status ? html` class="current" aria-current="step"` : ''}>${s}</li>`,
        )}
      </ol>
      <p>
        Status
        <strong data-testid="status">${lead.status}</strong
        >${lead.step ? html`, waiting for <strong>${lead.step}</strong>` : ''} · version ${lead.version}
      </p>
      ${renderStateDiagram(diagram, lead.status)}
    </section>
    <div class="cols">
      <section aria-labelledby="tr-h">
        <h2 id="tr-h">Transcript</h2>
        <div class="transcript">${messages.map((m) => message(lead.id, m))}</div>
      </section>
      <section aria-labelledby="an-h">
        <h2 id="an-h">Answers</h2>
        <dl>
          ${Object.entries(lead.answers).map(
            ([k, v]) =>
              html`<dt>${k}</dt>
                <dd>${typeof v === 'string' ? v : JSON.stringify(v)}</dd>`,
          )}
        </dl>
      </section>
    </div>`;
}

function action(leadId: string, csrf: string, type: string, label: string, extra?: Html): Html {
  return html`<form method="post" action="/console/leads/${leadId}/events">
    ${csrfField(csrf)}<input type="hidden" name="type" value="${type}" />${extra ?? ''}<button type="submit">
      ${label}
    </button>
  </form>`;
}

export function leadPage(input: {
  lead: LeadView;
  messages: readonly MessageView[];
  diagram: DiagramLayout;
  csrf: string;
  notice?: string | undefined;
  fingerprint: string;
}): Html {
  const { lead, csrf } = input;
  return html`<p>
      <a href="/console/leads">← All leads</a> · ${lead.name ?? ''}
      ${lead.identifiers.map((i) => html`· <span data-identifier="${i.type}">${i.value}</span> `)}
      ${lead.channel ? html`· on ${lead.channel}` : ''} · studio ${lead.studioId} · <code>${lead.id}</code>
    </p>
    ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
    <section aria-labelledby="act-h">
      <h2 id="act-h">Actions</h2>
      <div class="filters">
        ${action(lead.id, csrf, 'artist.approve', 'Approve')}
        ${action(lead.id, csrf, 'artist.reject', 'Reject', html`<label for="reason">Reason <input id="reason" name="reason" /></label> `)}
        ${action(lead.id, csrf, 'handover.start', 'Hand over to a human')}
        ${action(lead.id, csrf, 'handover.end', 'End handover')}
        ${action(lead.id, csrf, 'lead.reset', 'Reset')}
      </div>
      ${action(lead.id, csrf, 'message.send', 'Send message', html`<label for="text">Message to the lead <textarea id="text" name="text" rows="2" cols="50" required></textarea></label> `)}
    </section>
    ${leadLiveRegion(lead, input.messages, input.diagram, input.fingerprint)}`;
}

/**
 * The live part with what polls it: every 2 s htmx asks for it again with the fingerprint it shows and
 * replaces it (outerHTML, so the next poll carries the new fingerprint) only when the server has a
 * change; otherwise the answer is an empty 204. Polling, not a server push: a change of a lead is a commit
 * of its actor in whichever worker holds it, and no notice of it reaches the gateway (the bus carries
 * commit notices only to a message-API request's reply topic); a push would need one per commit on the
 * bus, for a screen the few people running Leadline have open.
 */
export function leadLiveRegion(
  lead: LeadView,
  messages: readonly MessageView[],
  diagram: DiagramLayout,
  fingerprint: string,
): Html {
  return html`<div
    id="live"
    data-fingerprint="${fingerprint}"
    hx-get="/console/leads/${lead.id}/live?since=${fingerprint}"
    hx-trigger="every 2s"
    hx-swap="outerHTML"
  >
    ${leadLive(lead, messages, diagram)}
  </div>`;
}
