// Envelopes are validated again at the host: a message that fails the schema can never be applied, so it
// is dead-lettered at once (a terminal failure) instead of being retried. Envelopes of event types an earlier
// version wrote (`whatsapp.message`, …) are upcast first (src/domain/legacy-events.ts).
import { envelopeSchema, type Envelope } from '../domain/envelope.ts';
import { upcastEnvelope } from '../domain/legacy-events.ts';
import type { RunMessage } from './lead-run.ts';

function field(raw: unknown, name: string): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
}

const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value !== '' ? value : fallback;

export function decodeEnvelope(received: unknown): RunMessage {
  const raw = upcastEnvelope(received);
  const parsed = envelopeSchema.safeParse(raw);
  if (parsed.success) return { envelope: parsed.data, raw };
  // Keep enough of the shape to route the failure to its lead and record it.
  const envelope: Envelope = {
    id: text(field(raw, 'id'), 'invalid'),
    leadId: text(field(raw, 'leadId'), 'invalid'),
    actorType: 'lead',
    studioId: text(field(raw, 'studioId'), 'unknown'),
    acceptedAt: new Date(0).toISOString(),
    event: { type: 'invalid', at: new Date(0).toISOString() },
  };
  const issue = parsed.error.issues[0];
  return { envelope, raw, invalid: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}
