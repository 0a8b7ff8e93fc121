// The console's page frame: navigation, the htmx script (served by the gateway from node_modules), and a
// stylesheet with WCAG AA contrast (text #1a1a1a on white, links #0b5394) and visible focus rings.
import { html, type Html } from './html.ts';

export const NAV = [
  ['leads', 'Leads'],
  ['funnel', 'Funnel'],
  ['dead-letters', 'Dead letters'],
  ['events', 'System events'],
  ['sandbox', 'Sandbox phones'],
  ['reconciliation', 'Reconciliation'],
  ['campaigns', 'Campaigns'],
  ['channels', 'Channel health'],
] as const;
export type Section = (typeof NAV)[number][0] | 'sign-in';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1a1a1a;background:#fff}
a{color:#0b5394}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f4b400;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}
header{background:#16324f;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;padding:4px 6px;border-radius:4px}header a[aria-current=page]{background:#fff;color:#16324f}
header form{margin-left:auto}main{padding:16px;max-width:1200px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #d0d0d0;vertical-align:top}
th{background:#f1f3f5}button{font:inherit;padding:5px 12px;border:1px solid #16324f;background:#16324f;color:#fff;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#16324f}input,select,textarea{font:inherit;padding:4px 6px;border:1px solid #6b6b6b;border-radius:4px}
.filters{display:flex;gap:12px;flex-wrap:wrap;align-items:end;margin-bottom:12px}.filters label{display:flex;flex-direction:column;font-size:13px}
.msg{max-width:70%;padding:6px 10px;border-radius:8px;margin:4px 0;white-space:pre-wrap}.in{background:#eef1f4}.out{background:#d9f2d9;margin-left:auto}
.transcript{display:flex;flex-direction:column}.msg img.photo{display:block;max-width:200px;max-height:200px;border-radius:6px}.meta{font-size:12px;color:#4a4a4a}
.states{display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0}.states li{border:1px solid #6b6b6b;border-radius:12px;padding:2px 10px}
.states li.current{background:#16324f;color:#fff;font-weight:bold}.phones{display:flex;flex-wrap:wrap;gap:16px}
.phone{width:280px;border:10px solid #222;border-radius:24px;padding:8px;min-height:300px;background:#ece5dd}
.phone h3{font-size:14px;margin:0 0 6px}.phone .msg{max-width:100%;background:#fff}.cols{display:grid;grid-template-columns:2fr 1fr;gap:16px}
.notice{padding:12px;border:1px solid #b58900;background:#fff8e1}.error{color:#a00000}.pager{display:flex;gap:12px;margin-top:8px}
fieldset{border:1px solid #d0d0d0;border-radius:4px;margin:8px 0}.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}.facts dd{margin:0}
progress{width:140px}.state-diagram{display:block;margin:8px 0}.campaign-form{margin-top:24px}
@media (max-width:800px){.cols{grid-template-columns:1fr}}
`;

export function layout(input: { title: string; section: Section; csrf?: string; body: Html }): Html {
  const signedIn = input.csrf !== undefined;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${input.title} · Leadline console</title>
<style>${STYLE}</style>
<script src="/console/assets/htmx.min.js" defer></script>
</head>
<body${signedIn ? html` hx-headers='${JSON.stringify({ 'x-csrf-token': input.csrf })}'` : ''}>
<a class="skip" href="#main">Skip to content</a>
<header><strong>Leadline</strong>
${
  signedIn
    ? html`<nav aria-label="Console">
          ${NAV.map(
            ([id, label]) =>
              html`<a href="/console/${id}" ${id === input.section ? html` aria-current="page"` : ''}
                >${label}</a
              > `,
          )}
        </nav>
        <form method="post" action="/console/sign-out">
          <input type="hidden" name="csrf" value="${input.csrf}" /><button class="secondary" type="submit">
            Sign out
          </button>
        </form>`
    : ''
}
</header>
<main id="main"><h1>${input.title}</h1>
${input.body}
</main>
</body>
</html>`;
}

/** A hidden CSRF field for plain (non-htmx) forms. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}" />`;
}
