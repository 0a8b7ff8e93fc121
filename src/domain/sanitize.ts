// Sanitising sender-controlled text at the edge (architecture invariant 13, contract §12). Every inbound
// path (WhatsApp, SMS, the message API, Stripe metadata, admin events) passes the strings a sender controls
// through here before they become an envelope, so nothing PostgreSQL refuses (NUL in text or jsonb, a lone
// surrogate in jsonb) and nothing unbounded ever reaches storage. The content is kept: only the bytes that
// cannot be stored are replaced or removed, and a truncation is reported so the transcript can flag it.

/** Upper bounds per kind of field, in UTF-16 code units (what JavaScript's `length` counts). */
export const FIELD_LIMITS = {
  /** Message text: WhatsApp allows 4,096 characters, Twilio 1,600, the message API 10,000. */
  text: 10_000,
  /** A contact's profile name (Meta: 25 characters in practice; generous bound). */
  name: 256,
  /** Media captions (WhatsApp: 1,024). */
  caption: 1_024,
  filename: 256,
  /** Provider ids (wamid, SM…, media ids): opaque but short. */
  id: 256,
  /** Anything else a sender controls (button payloads, metadata values, reasons). */
  short: 1_024,
} as const;
export type FieldKind = keyof typeof FIELD_LIMITS;

export interface Sanitised {
  value: string;
  /** The input was longer than the field's bound and was cut. */
  truncated: boolean;
  /** Characters were removed or replaced (controls, lone surrogates). */
  changed: boolean;
}

// C0 controls except tab (\x09) and newline (\x0A); carriage return is dropped too (\r\n → \n), and DEL.
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes what storage refuses and bounds the length, keeping everything else (RTL marks, BOM, emoji). */
export function sanitizeField(input: string, kind: FieldKind = 'short'): Sanitised {
  const cleaned = input.replace(CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD');
  const limit = FIELD_LIMITS[kind];
  if (cleaned.length <= limit) return { value: cleaned, truncated: false, changed: cleaned !== input };
  // Never cut a surrogate pair in half.
  let end = limit;
  const last = cleaned.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { value: cleaned.slice(0, end), truncated: true, changed: true };
}

/** The sanitised value alone, for fields where truncation needs no flag (ids, names). */
export function sanitize(input: string, kind: FieldKind = 'short'): string {
  return sanitizeField(input, kind).value;
}

/**
 * Sanitises every string in a JSON-like value (keys included), depth-bounded: deeper structure is replaced
 * by a marker so a deeply nested payload cannot blow the stack or the row. For payloads that are stored as
 * jsonb as they came (metadata, admin event fields).
 */
export function sanitizeJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return sanitize(value, 'text');
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 16) return '[truncated: nested too deep]';
  if (Array.isArray(value)) return value.slice(0, 1_000).map((v) => sanitizeJson(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 1_000))
    out[sanitize(k, 'short')] = sanitizeJson(v, depth + 1);
  return out;
}

/** sanitizeJson of a record (system event payloads, metadata): always a record again. */
export function sanitizeRecord(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = sanitizeJson(value);
  const record: Record<string, unknown> = {};
  if (typeof out === 'object' && out !== null && !Array.isArray(out)) Object.assign(record, out);
  return record;
}

/** Longest text message a channel takes (WhatsApp: 4,096 characters); see outboundMessageSchema. */
export const OUTBOUND_TEXT_LIMIT = 4_096;

/**
 * `text` cut to `limit` with an ellipsis when longer, never inside a surrogate pair: for outgoing text that
 * quotes what a lead wrote (a summary of a 10,000-character answer must still be a sendable message).
 */
export function fitText(text: string, limit: number = OUTBOUND_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  let end = limit - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
