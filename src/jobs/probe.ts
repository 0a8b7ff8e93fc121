// The synthetic health probe: publish an identified envelope to the probe actor through the real bus and
// wait for the host's commit (its id appears in processed_messages, written in the same transaction). The
// result and its latency (the probe's clock at the send, the host's at the commit: one injected clock in a
// single process, the workers' wall clocks otherwise) go to probe_results.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../bus/bus.ts';
import type { Envelope } from '../domain/envelope.ts';
import type { Db } from '../persistence/database.ts';
import { PROBE_ACTOR_ID } from '../machines/probe/probe-machine.ts';

export interface ProbeDeps {
  db: Db;
  bus: Bus;
  workerId: string;
  /** The studio id carried by the envelope (any configured studio). */
  studioId: string;
  /** How long to wait for the commit before the probe counts as failed (default 30 s). */
  timeoutMs?: number;
  clock?: () => Date;
}

export interface ProbeOutcome {
  id: string;
  ok: boolean;
  latencyMs: number | null;
  error: string | null;
}

async function markAbandoned(db: Db, olderThan: Date): Promise<void> {
  await db
    .updateTable('probe_results')
    .set({ ok: false, error: 'no answer (the probing process stopped)' })
    .where('ok', 'is', null)
    .where('sent_at', '<', olderThan)
    .execute();
}

async function committedAt(db: Db, messageId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('processed_messages')
    .select('processed_at')
    .where('lead_id', '=', PROBE_ACTOR_ID)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row?.processed_at;
}

export async function runProbe(deps: ProbeDeps): Promise<ProbeOutcome> {
  const timeoutMs = deps.timeoutMs ?? 30_000;
  const clock = deps.clock ?? (() => new Date());
  const sentAt = clock();
  await markAbandoned(deps.db, new Date(sentAt.getTime() - 2 * timeoutMs));
  const id = randomUUID();
  await deps.db
    .insertInto('probe_results')
    .values({ id, sent_at: sentAt, worker_id: deps.workerId })
    .execute();
  const messageId = `probe:${id}`;
  const at = sentAt.toISOString();
  const envelope: Envelope = {
    id: messageId,
    leadId: PROBE_ACTOR_ID,
    actorType: 'probe',
    studioId: deps.studioId,
    acceptedAt: at,
    event: { type: 'probe.ping', probeId: id, at },
  };

  let outcome: ProbeOutcome = {
    id,
    ok: false,
    latencyMs: null,
    error: `not committed within ${timeoutMs} ms`,
  };
  try {
    await deps.bus.publish(envelope);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const done = await committedAt(deps.db, messageId);
      if (done) {
        outcome = { id, ok: true, latencyMs: Math.max(0, done.getTime() - sentAt.getTime()), error: null };
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } catch (error) {
    outcome = {
      id,
      ok: false,
      latencyMs: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  await deps.db
    .updateTable('probe_results')
    .set({
      ok: outcome.ok,
      error: outcome.error,
      latency_ms: outcome.latencyMs,
      completed_at: outcome.ok ? new Date(sentAt.getTime() + (outcome.latencyMs ?? 0)) : null,
    })
    .where('id', '=', id)
    .execute();
  return outcome;
}
