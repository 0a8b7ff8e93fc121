// The sandbox's phone screens: for each recipient, what they would have received (newest last), with the
// artist's approve/reject links clickable like on a real phone.
import { html, type Html } from '../html.ts';

export interface SandboxRow {
  id: string;
  at: Date;
  channel: string;
  studio_id: string;
  lead_id: string | null;
  sender: string;
  recipient: string;
  kind: string;
  text: string | null;
}

/** Text with its http(s) links made clickable; everything else escaped. */
function linkified(text: string): Html {
  const parts = text.split(/(https?:\/\/[^\s]+)/g);
  return html`${parts.map((p, i) => (i % 2 === 1 ? html`<a href="${p}">${p}</a>` : p))}`;
}

export function sandboxPage(rows: readonly SandboxRow[], session?: string): Html {
  const byRecipient = new Map<string, SandboxRow[]>();
  for (const row of [...rows].reverse()) {
    const list = byRecipient.get(row.recipient) ?? [];
    list.push(row);
    byRecipient.set(row.recipient, list);
  }
  return html`<p>
      Outside production, providers without credentials are the sandbox: nothing below was sent; it is what
      each recipient's phone would show.
    </p>
    ${session ? html`<p class="notice" role="status">Sandbox checkout <code>${session}</code>: no payment is taken in the sandbox.</p>` : ''}
    ${byRecipient.size === 0 ? html`<p>Nothing recorded yet. Run <code>npx leadline demo</code>.</p>` : ''}
    <div class="phones">
      ${[...byRecipient].map(
        ([recipient, list]) =>
          html`<section class="phone" aria-label="Phone ${recipient}" data-recipient="${recipient}">
            <h3>${recipient} · ${list[0]?.channel ?? ''}</h3>
            ${list.map(
              (m) =>
                html`<div class="msg">
                  ${linkified(m.text ?? `(${m.kind})`)}
                  <div class="meta">
                    ${m.at.toISOString().slice(11, 19)}${m.lead_id ? html` · <a href="/console/leads/${m.lead_id}">lead</a>` : ''}
                  </div>
                </div>`,
            )}
          </section>`,
      )}
    </div>`;
}
