// The value types configuration is written in, one definition each, shared by the environment (env.ts) and
// the studio file (src/studio/studio-schema.ts) so "90s", "16" and "https://…" mean the same thing, and
// are refused with the same words, wherever they appear.
import { z } from 'zod';
import { DURATION, parseDuration } from '../domain/durations.ts';

const DURATION_HINT = 'expected a duration such as "90s", "5m", "6h" or "3d"';

/** A duration string ("90s", "6h", "3d"; "0" too when `allowZero`) as milliseconds. */
export function durationSchema(options: { allowZero?: boolean } = {}) {
  // A regex (not a refine) so the generated JSON Schema carries it as a pattern for editors.
  const pattern = options.allowZero === true ? new RegExp(`${DURATION.source}|^\\s*0\\s*$`) : DURATION;
  return z
    .string()
    .regex(pattern, options.allowZero === true ? `${DURATION_HINT}, or "0"` : DURATION_HINT)
    .transform((v) => (v.trim() === '0' ? 0 : (parseDuration(v) ?? 0)));
}

/** "1m,2m,4m" as milliseconds, each entry a duration; at least one. */
export const durationListSchema = z
  .string()
  .refine(
    (v) => {
      const parts = v.split(',').map((p) => p.trim());
      return parts.length > 0 && parts.every((p) => parseDuration(p) !== undefined);
    },
    { message: `expected comma-separated durations such as "1m,2m,4m" (${DURATION_HINT})` },
  )
  .transform((v) => v.split(',').map((p) => parseDuration(p.trim()) ?? 0));

/**
 * A whole number written as digits, from an environment string ("16"). Stricter than z.coerce.number(),
 * which takes "" as 0, "1e3" as 1000 and "0x10" as 16.
 */
export function integerString(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `expected a whole number from ${min} to ${max}`)
        .max(max, `expected a whole number from ${min} to ${max}`),
    );
}

/** An absolute http(s) URL. */
export const httpUrlSchema = z.url({
  protocol: /^https?$/,
  error: 'expected an absolute http:// or https:// URL',
});

/** An absolute URL with one of the given schemes (postgres, nats…). */
export function urlWithScheme(schemes: readonly string[]) {
  return z.url({
    protocol: new RegExp(`^(${schemes.join('|')})$`),
    error: `expected a ${schemes.map((s) => `${s}://`).join(' or ')} URL`,
  });
}

/** A yes/no switch from the environment: true/false, 1/0, yes/no, on/off. */
export const booleanString = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v), {
    message: 'expected true or false',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/** A URL fit for a log line or an error: its password (and query, which may hold keys) left out. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
