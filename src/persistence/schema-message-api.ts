// Kysely table interfaces of the message API: sessions, request idempotency keys, session messages
// (migration 0014), broadcasts (0016).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = JSONColumnType<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>;
type JsonOrNull = ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;

export interface MessageSessionsTable {
  id: string;
  studio_id: string;
  lead_id: string;
  channel: string;
  started_at: Timestamp;
}

export interface MessageSessionHeadsTable {
  lead_id: string;
  channel: string;
  session_id: string;
  last_message_at: Timestamp;
}

export interface MessageRequestsTable {
  studio_id: string;
  session_id: string;
  request_id: string;
  message_id: string;
  lead_id: string;
  /** The envelope as first published: a repeat while in flight publishes it again (same id: harmless). */
  envelope: Json;
  /** The 200 answer once finished; null while in flight. */
  response: JsonOrNull;
  created_at: Timestamp;
  finished_at: Timestamp | null;
  /** The deviceId generated for a guest's first message (migration 0016): rebuilt answers carry it. */
  guest_device_id: string | null;
}

export interface BroadcastRequestsTable {
  studio_id: string;
  request_id: string;
  broadcast_id: string;
  /** The distinct lead ids asked for, in the request's order. */
  lead_ids: string[];
  /** Those that are leads of the studio: each got an envelope. */
  target_ids: string[];
  text: string;
  trace_id: string | null;
  /** The final answer once every target's actor committed; null before. */
  response: JsonOrNull;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface SessionMessagesTable {
  /** The SSE event id (Last-Event-ID). */
  seq: Generated<string>;
  session_id: string;
  lead_id: string;
  message_id: string;
  direction: 'in' | 'out';
  body: Json;
  at: Timestamp;
}

/** An image uploaded to the message API, waiting for (or carried by) a message (migration 0020). */
export interface MediaUploadsTable {
  id: string;
  studio_id: string;
  storage_key: string;
  mime_type: string;
  size: number;
  sha256: string;
  created_at: Timestamp;
}

export interface MessageApiTables {
  media_uploads: MediaUploadsTable;
  message_sessions: MessageSessionsTable;
  message_session_heads: MessageSessionHeadsTable;
  message_requests: MessageRequestsTable;
  broadcast_requests: BroadcastRequestsTable;
  session_messages: SessionMessagesTable;
}
