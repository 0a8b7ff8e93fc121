// The one function every inbound envelope passes before it is published (the gateway's publishAccepted,
// so WhatsApp, SMS, the message API, Stripe, admin and NATS control events, and every future channel).
// Inbound messages (`message.received`, on every channel) have each sender field bounded for its kind
// (FIELD_LIMITS in sanitize.ts) with the names of the cut fields in the event's `truncated` and a flag on
// the transcript entry; everything else in the envelope goes through sanitizeJson. The content is kept: only what storage refuses is removed, and what is too long is cut.
import { z } from 'zod';
import type { Envelope } from './envelope.ts';
import { sanitize, sanitizeField, sanitizeJson, sanitizeRecord, type FieldKind } from './sanitize.ts';
import type { TranscriptEntry } from './transcript.ts';

type Rec = Record<string, unknown>;

const isRecord = (value: unknown): value is Rec =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isList = (value: unknown): value is unknown[] => Array.isArray(value);

/** Event fields a sender controls, and their kind. */
const EVENT_FIELDS: Readonly<Record<string, FieldKind>> = {
  messageId: 'id',
  profileName: 'name',
  to: 'id',
};

/** Content fields a sender controls (every content kind of inboundContentSchema), and their kind. */
export const CONTENT_FIELDS: Readonly<Record<string, FieldKind>> = {
  text: 'text',
  caption: 'caption',
  filename: 'filename',
  mediaId: 'id',
  mimeType: 'id',
  sha256: 'id',
  /** Location name and address. */
  name: 'short',
  address: 'short',
  /** Interactive / button reply: our payload id and the title the lead saw. */
  id: 'id',
  title: 'short',
  emoji: 'id',
  messageId: 'id',
  rawType: 'id',
};

/** At most this many shared contacts' names are kept. */
export const MAX_CONTACT_NAMES = 50;
/** Envelope ids are `<source>:<provider id>` (at most 512 characters, envelopeSchema). */
const ENVELOPE_ID_LIMIT = 512;

class Bounds {
  readonly cut: string[] = [];

  field(value: string, kind: FieldKind, name: string): string {
    const result = sanitizeField(value, kind);
    if (result.truncated && !this.cut.includes(name)) this.cut.push(name);
    return result.value;
  }

  fields(record: Rec, kinds: Readonly<Record<string, FieldKind>>, prefix = ''): Rec {
    const out: Rec = { ...record };
    for (const [key, kind] of Object.entries(kinds)) {
      const value = record[key];
      if (typeof value === 'string') out[key] = this.field(value, kind, `${prefix}${key}`);
    }
    return out;
  }
}

function boundContent(content: unknown, bounds: Bounds): unknown {
  if (!isRecord(content)) return content;
  const out = bounds.fields(content, CONTENT_FIELDS);
  const names = content['names'];
  if (isList(names)) {
    if (names.length > MAX_CONTACT_NAMES) bounds.cut.push('names');
    out['names'] = names
      .slice(0, MAX_CONTACT_NAMES)
      .map((n) => (typeof n === 'string' ? bounds.field(n, 'name', 'names') : n));
  }
  return out;
}

function boundFrom(from: unknown, bounds: Bounds): unknown {
  if (!isList(from)) return from;
  return from
    .slice(0, 10)
    .map((identifier) =>
      isRecord(identifier) ? bounds.fields(identifier, { value: 'id' }, 'from.') : identifier,
    );
}

const isoDatetime = z.iso.datetime({ offset: true });

function boundMessageEvent(event: Rec, bounds: Bounds): Rec {
  const out = bounds.fields(event, EVENT_FIELDS);
  // A provider timestamp no ISO datetime can hold (a 12-digit Unix time is year 33658): the acceptance
  // time stands in, rather than an envelope the host must dead-letter.
  if (typeof event['sentAt'] === 'string' && !isoDatetime.safeParse(event['sentAt']).success)
    out['sentAt'] = event['at'];
  out['from'] = boundFrom(event['from'], bounds);
  out['content'] = boundContent(event['content'], bounds);
  return out;
}

function sanitizeTranscript(entry: TranscriptEntry, cut: readonly string[]): TranscriptEntry {
  const text = entry.text === null ? null : sanitizeField(entry.text, 'text');
  const truncated = [...cut, ...(text?.truncated === true && !cut.includes('text') ? ['text'] : [])];
  const data = entry.data === undefined ? undefined : sanitizeRecord(entry.data);
  const flagged = truncated.length === 0 ? data : { ...data, truncated: true, truncatedFields: truncated };
  return {
    direction: entry.direction,
    kind: entry.kind,
    text: text === null ? null : text.value,
    ...(entry.providerMessageId === undefined
      ? {}
      : { providerMessageId: sanitize(entry.providerMessageId, 'id') }),
    ...(flagged === undefined ? {} : { data: flagged }),
  };
}

/** The envelope with every sender-controlled string storable and bounded (see the module comment). */
export function sanitizeEnvelope(envelope: Envelope): Envelope {
  const bounds = new Bounds();
  const { type, at } = envelope.event;
  let event: Rec = envelope.event;
  if (type === 'message.received') {
    event = boundMessageEvent(event, bounds);
    const before = isList(event['truncated']) ? event['truncated'].filter((t) => typeof t === 'string') : [];
    const truncated = [...new Set([...before, ...bounds.cut])];
    if (truncated.length > 0) event['truncated'] = truncated;
  }
  const cleaned = sanitizeJson(event);
  const transcript = envelope.transcript && sanitizeTranscript(envelope.transcript, bounds.cut);
  return {
    ...envelope,
    id: sanitize(envelope.id.slice(0, ENVELOPE_ID_LIMIT), 'text'),
    studioId: sanitize(envelope.studioId, 'id'),
    ...(envelope.traceId === undefined ? {} : { traceId: sanitize(envelope.traceId, 'id') }),
    ...(envelope.replayOf === undefined ? {} : { replayOf: sanitize(envelope.replayOf, 'id') }),
    event: { ...(isRecord(cleaned) ? cleaned : {}), type: sanitize(type, 'id'), at },
    ...(transcript === undefined ? {} : { transcript }),
  };
}
