// The last guard before PostgreSQL: text and jsonb values with what PostgreSQL refuses taken out (NUL in
// text or jsonb, a lone surrogate in jsonb), everything else kept exactly (no bounds: a snapshot must
// round-trip). Sender-controlled strings were already sanitised and bounded at the edge
// (src/domain/sanitize.ts); this keeps a write from failing when something else (a machine slicing a
// string inside a surrogate pair, a provider's answer, an error message quoting input) carries such bytes.

const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// In JSON.stringify's output a NUL is `\u0000` and a lone surrogate `\udXXX` (well-formed stringify).
// A false positive (an escaped backslash before such text) only costs the slow path below.
const SUSPECT_JSON = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

/** A string PostgreSQL stores in a text column (and, after JSON encoding, in jsonb). */
export function storableText(value: string): string {
  return value.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

export function storableNullableText(value: string | null): string | null {
  return value === null ? null : storableText(value);
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clean);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[storableText(k)] = clean(v);
  return out;
}

/** JSON.stringify, typed as it behaves: undefined for undefined (and functions). */
function stringify(value: unknown): string | undefined {
  return JSON.stringify(value);
}

/** JSON.parse-able text of `value` that a jsonb column accepts (the same value unless it held such bytes). */
export function storableJson(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) return 'null';
  if (!SUSPECT_JSON.test(text)) return text;
  // toJSON (dates) runs first, so cleaning the parsed copy cleans what would have been stored.
  return JSON.stringify(clean(JSON.parse(text)));
}

/** The value itself, cleaned the same way (for query builders that serialise jsonb themselves). */
export function storableValue<T>(value: T): T {
  const text = stringify(value);
  if (text === undefined || !SUSPECT_JSON.test(text)) return value;
  return JSON.parse(storableJson(value)) as T;
}
