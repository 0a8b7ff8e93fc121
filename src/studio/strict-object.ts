// Objects of the studio file refuse keys they don't know: a typo in an optional section (`timmings:`)
// would otherwise be dropped without a word and the defaults used instead. The error names the key and,
// for a near miss, the key that was probably meant.
import { z } from 'zod';

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short strings. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] ?? [];
      const above = d[i - 1] ?? [];
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row[j] = best;
    }
  }
  return d[a.length]?.[b.length] ?? 0;
}

/** The known key closest to `key`, when it is close enough to be a typo of it. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  const allowed = Math.max(1, Math.floor(key.length / 3));
  if (best !== undefined && best.distance <= allowed) return best.key;
  // "monday" for "mon", "deposits" for "deposit": one written out longer or cut short.
  const lower = key.toLowerCase();
  return known.find(
    (k) => k.length >= 3 && (lower.startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(lower)),
  );
}

function hint(key: string, known: readonly string[]): string {
  const near = closestKey(key, known);
  return near === undefined ? `expected one of: ${known.join(', ')}` : `did you mean "${near}"?`;
}

/**
 * One unknown key: "unknown key (did you mean …?)", the key itself goes on the issue's path (see
 * formatIssues in load-studio-config.ts); several: each named.
 */
export function unknownKeyMessage(keys: readonly string[], known: readonly string[]): string {
  if (keys.length === 1) return `unknown key (${hint(keys[0] ?? '', known)})`;
  return `unknown keys ${keys.map((key) => `"${key}" (${hint(key, known)})`).join(', ')}`;
}

/** z.strictObject whose unknown-key error says which key and what was probably meant. */
export function strictObject<const Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeyMessage(issue.keys, known) : undefined),
  });
}
