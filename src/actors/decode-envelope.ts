// Envelopes are validated again at the host, where they enter the runtime: the envelope's shape
// (envelopeSchema) and its event against the schema of the actor type it is addressed to (the
// definition's `eventSchema`: the lead machine's is leadEventSchema). A message that fails can never be
// applied, so it is dead-lettered at once with the failing field as its cause (a terminal failure in
// actor-run.ts), instead of being retried or blocking its lead. Envelopes of event types an earlier version
// wrote (`whatsapp.message`, …) are upcast first (src/domain/legacy-events.ts).
import { envelopeSchema, type Envelope } from '../domain/envelope.ts';
import { upcastEnvelope } from '../domain/legacy-events.ts';
import type { ActorDefinition } from './actor-definition.ts';
import type { RunMessage } from './actor-run.ts';

/** Turns what a bus (or lead_retries) holds into a message the host can run or dead-letter. */
export type EnvelopeDecoder = (received: unknown) => RunMessage;

function field(raw: unknown, name: string): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
}

const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value !== '' ? value : fallback;

function cause(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix: string): string {
  const issue = issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((p) => p !== '').join('.');
  return `${path}: ${issue?.message ?? 'invalid'}`;
}

/** The decoder for the given actor types: each envelope's event is parsed with its type's eventSchema. */
export function envelopeDecoder(definitions: Iterable<ActorDefinition>): EnvelopeDecoder {
  const schemas = new Map<string, NonNullable<ActorDefinition['eventSchema']>>();
  for (const definition of definitions) {
    if (definition.eventSchema) schemas.set(definition.actorType, definition.eventSchema);
  }
  return (received) => {
    const raw = upcastEnvelope(received);
    const parsed = envelopeSchema.safeParse(raw);
    if (!parsed.success) return { envelope: unroutable(raw), raw, invalid: cause(parsed.error.issues, '') };
    const envelope = parsed.data;
    const schema = schemas.get(envelope.actorType);
    if (schema === undefined) return { envelope, raw };
    const event = schema.safeParse(envelope.event);
    if (!event.success) return { envelope, raw, invalid: cause(event.error.issues, 'event') };
    return { envelope: { ...envelope, event: event.data }, raw };
  };
}

/** Keeps enough of a malformed envelope's shape to route the failure to its lead and record it. */
function unroutable(raw: unknown): Envelope {
  return {
    id: text(field(raw, 'id'), 'invalid'),
    leadId: text(field(raw, 'leadId'), 'invalid'),
    actorType: 'lead',
    studioId: text(field(raw, 'studioId'), 'unknown'),
    acceptedAt: new Date(0).toISOString(),
    event: { type: 'invalid', at: new Date(0).toISOString() },
  };
}
