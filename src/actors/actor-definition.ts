// What the actor host needs to know about a kind of actor. The host is generic: the lead machine, the
// health-probe machine and the runtime's test machine all plug in through this interface.
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import type { z } from 'zod';
import type { Envelope } from '../domain/envelope.ts';
import type { Identifier } from '../domain/lead-events.ts';

/** Denormalised columns of the leads table, kept in step with the snapshot for queries. */
export interface ActorProjection {
  status: string;
  step: string | null;
  answers: Record<string, unknown>;
  phone: string | null;
  name: string | null;
  /** Time of the last inbound provider message, for the 24-hour window and staleness queries. */
  lastInboundAt: string | null;
  /** The channel of the latest inbound message (actors without channels leave it out). */
  channel?: string | null;
}

/** Upgrades a persisted snapshot written by machine version `from` to `from + 1`. */
export type SnapshotMigration = (persisted: unknown) => unknown;

export interface ActorDefinition<TMachine extends AnyStateMachine = AnyStateMachine> {
  readonly actorType: string;
  readonly machine: TMachine;
  /** Bumped whenever the persisted snapshot shape changes; each bump ships a migration. */
  readonly machineVersion: number;
  /** migrations[n] upgrades a snapshot of version n to n + 1. */
  readonly snapshotMigrations: Readonly<Record<number, SnapshotMigration>>;
  /**
   * The events this actor type accepts from the bus. The host parses every envelope's event with it as it
   * decodes the envelope (src/actors/decode-envelope.ts): an event that fails is dead-lettered with the
   * failing field, never applied; the machine receives the parsed event. Without one, only the envelope's
   * `{ type, at }` is checked.
   */
  readonly eventSchema?: z.ZodType<{ type: string; at: string }>;
  /** The initial input for a lead seen for the first time (derived from its first envelope). */
  inputFor(envelope: Envelope): unknown;
  /**
   * The brand-scoped identifiers an envelope brings for its lead (phone, email, deviceId): the commit
   * records the new ones in lead_identifiers, skipping (with `identity.conflict`) one another lead owns.
   */
  identifiersOf?(envelope: Envelope): readonly Identifier[];
  /**
   * The event given to the machine for an envelope (usually `envelope.event`), read against the actor's
   * current snapshot (the lead's channel policy translates inbound content with it).
   */
  eventFor(envelope: Envelope, snapshot: SnapshotFrom<TMachine>): { type: string };
  project(snapshot: SnapshotFrom<TMachine>): ActorProjection;
  /**
   * When a snapshot cannot be migrated (invariant 8): rebuild one from the denormalised answers instead of
   * dropping the lead.
   */
  rebuild?(
    row: { answers: Record<string, unknown>; status: string; step: string | null },
    envelope: Envelope,
  ): unknown;
}
