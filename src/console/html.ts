// Server-rendered HTML with one rule: every interpolated value is escaped unless it is already Html.
// `html` is a tagged template that builds Html; arrays of Html join; null/undefined/false render nothing.
// This is the whole template layer of the console (no engine: the pages are small and typed).

export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Markup produced by our own code (an SVG built from numbers, say), never from input. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** An ISO timestamp as the console shows it: `2026-11-23 09:00:00` (UTC). */
export function shortTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}
