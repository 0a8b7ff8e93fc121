// Inline SVG charts rendered on the server from numbers (no chart library, no script): a horizontal bar
// chart with a title and a text alternative, which is all the funnel needs.
import { html, trusted, type Html } from './html.ts';
import { escapeHtml } from './html.ts';

export interface Bar {
  label: string;
  value: number;
  /** Shown after the bar instead of the value, e.g. "42 (35%)". */
  caption?: string;
}

export function barChart(input: { id: string; title: string; bars: readonly Bar[]; unit?: string }): Html {
  const rowHeight = 26;
  const labelWidth = 170;
  const barWidth = 420;
  const height = input.bars.length * rowHeight + 10;
  const max = Math.max(1, ...input.bars.map((b) => b.value));
  const rows = input.bars
    .map((bar, i) => {
      const y = 5 + i * rowHeight;
      const w = Math.round((bar.value / max) * barWidth);
      const caption = bar.caption ?? `${bar.value}${input.unit ?? ''}`;
      return (
        `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" font-size="13" fill="#1a1a1a">${escapeHtml(bar.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 8}" fill="#16324f"><title>${escapeHtml(`${bar.label}: ${caption}`)}</title></rect>` +
        `<text x="${labelWidth + w + 6}" y="${y + 17}" font-size="13" fill="#1a1a1a">${escapeHtml(caption)}</text>`
      );
    })
    .join('');
  const width = labelWidth + barWidth + 140;
  return html`<figure>
    <figcaption id="${input.id}-title"><strong>${input.title}</strong></figcaption>
    ${trusted(`<svg role="img" aria-labelledby="${escapeHtml(input.id)}-title" data-chart="${escapeHtml(input.id)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">${rows}</svg>`)}
  </figure>`;
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const minutes = ms / 60_000;
  if (minutes < 1) return `${Math.round(ms / 1000)}s`;
  if (minutes < 120) return `${Math.round(minutes)}m`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)}h` : `${(hours / 24).toFixed(1)}d`;
}
