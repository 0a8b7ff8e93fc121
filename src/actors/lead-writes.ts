// Everything one lead's processed messages must write, gathered in memory and then committed with the
// other leads of the batch in one transaction (commit-writes.ts).
import type { ActorProjection } from './actor-definition.ts';
import type { SystemEventInput } from '../persistence/system-events.ts';
import type { TranscriptEntry } from '../domain/transcript.ts';
import type { Identifier } from '../domain/lead-events.ts';

export interface TranscriptWrite {
  direction: 'in' | 'out';
  kind: string;
  text: string | null;
  data: Record<string, unknown> | null;
  providerMessageId: string | null;
  outboxId: string | null;
  at: string;
}

export interface LeadUpdate {
  /** null = the lead has no row yet (insert; a concurrent insert loses the race). */
  expectedVersion: number | null;
  newVersion: number;
  persisted: unknown;
  machineId: string;
  machineVersion: number;
  projection: ActorProjection;
}

export interface ParkWrite {
  messageId: string;
  envelope: unknown;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
}

export interface DeadLetterWrite {
  id: string;
  messageId: string;
  envelope: unknown;
  error: string;
  attempts: number;
}

export interface LeadWrites {
  readonly leadId: string;
  readonly actorType: string;
  readonly studioId: string;
  lead: LeadUpdate | null;
  processed: { messageId: string; version: number }[];
  transcript: TranscriptWrite[];
  outbox: {
    id: string;
    kind: string;
    payload: Record<string, unknown>;
    traceId: string | null;
    /** The envelope whose application emitted it. */
    envelopeId: string;
  }[];
  /** Timer rows fired by applied `timer:<id>` envelopes: deleted in the commit. */
  consumedTimerIds: string[];
  /** Last operation per timer key wins: an upsert (new row id) or a cancel. */
  timers: Map<string, { id: string; dueAt: string } | null>;
  systemEvents: SystemEventInput[];
  /** Latest delivery status per provider message id (already collapsed monotonically). */
  deliveries: Map<string, string>;
  /** The provider's error of a failed delivery (code, title), kept on the transcript entry's data. */
  deliveryErrors: Map<string, { code: number | string; title?: string | undefined }>;
  park: ParkWrite[];
  /** lead_retries rows (by seq) finished: applied, duplicate or dead-lettered. */
  retriesDone: string[];
  retryHead: { seq: string; attempts: number; lastError: string; nextAttemptAt: Date } | null;
  deadLetters: DeadLetterWrite[];
  /** Identifiers the applied messages brought: recorded for the lead unless another lead owns one. */
  identifiers: Identifier[];
}

export function emptyWrites(leadId: string, actorType: string, studioId: string): LeadWrites {
  return {
    leadId,
    actorType,
    studioId,
    lead: null,
    processed: [],
    transcript: [],
    outbox: [],
    consumedTimerIds: [],
    timers: new Map(),
    systemEvents: [],
    deliveries: new Map(),
    deliveryErrors: new Map(),
    park: [],
    retriesDone: [],
    retryHead: null,
    deadLetters: [],
    identifiers: [],
  };
}

/** A transcript row from an inbound envelope's entry (outboxId null) or an outbound effect's entry. */
export function transcriptWrite(
  entry: Omit<TranscriptEntry, 'direction'>,
  direction: 'in' | 'out',
  outboxId: string | null,
  at: string,
): TranscriptWrite {
  return {
    direction,
    kind: entry.kind,
    text: entry.text,
    data: entry.data ?? null,
    providerMessageId: entry.providerMessageId ?? null,
    outboxId,
    at,
  };
}
