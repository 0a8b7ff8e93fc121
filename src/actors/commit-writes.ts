// One transaction for the writes of many leads (invariant 3), with a handful of multi-row statements
// (unnest) instead of per-message round trips. Fenced (invariant 1): every lead update carries the version
// it was computed from; if any lead's row moved on (or a "new" lead already exists) the whole transaction
// throws FencingConflict and rolls back, and the host falls back to per-lead commits.
// One clock: every time written here is `at`, the injected clock's reading for the batch, never the
// database's now(): due times and windows are compared with that clock later (relay, alerts, retention).
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../persistence/database.ts';
import { applyDeliveryStatuses, recordDeliveryErrors } from '../persistence/delivery-status.ts';
import { storableJson, storableNullableText, storableText } from '../persistence/storable.ts';
import type { LeadWrites } from './lead-writes.ts';

export class FencingConflict extends Error {
  override name = 'FencingConflict';
  readonly leadIds: readonly string[];
  constructor(leadIds: readonly string[]) {
    super(`lost the fencing race for ${leadIds.join(', ')}`);
    this.leadIds = leadIds;
  }
}

// Every jsonb and free text value goes through the storable guard: nothing a sender controls can make
// PostgreSQL refuse the batch (see src/persistence/storable.ts).
const json = storableJson;
const text = storableText;
const nullableText = storableNullableText;

type WithLead = LeadWrites & { lead: NonNullable<LeadWrites['lead']> };

function leadColumns(ws: readonly WithLead[]) {
  const pick = <T>(f: (w: WithLead) => T): T[] => ws.map(f);
  return {
    id: pick((w) => w.leadId),
    actorType: pick((w) => w.actorType),
    studioId: pick((w) => w.studioId),
    expected: pick((w) => String(w.lead.expectedVersion ?? 0)),
    version: pick((w) => String(w.lead.newVersion)),
    snapshot: pick((w) => json(w.lead.persisted)),
    machineId: pick((w) => w.lead.machineId),
    machineVersion: pick((w) => w.lead.machineVersion),
    status: pick((w) => w.lead.projection.status),
    step: pick((w) => nullableText(w.lead.projection.step)),
    answers: pick((w) => json(w.lead.projection.answers)),
    phone: pick((w) => nullableText(w.lead.projection.phone)),
    name: pick((w) => nullableText(w.lead.projection.name)),
    lastInbound: pick((w) => w.lead.projection.lastInboundAt),
    channel: pick((w) => w.lead.projection.channel ?? null),
  };
}

/** Fenced update of existing leads and insert of new ones; both return the ids that won. */
function leadStatements(
  all: readonly LeadWrites[],
  at: Date,
): { fragments: RawBuilder<unknown>[]; leads: WithLead[] } {
  const leads = all.filter((w): w is WithLead => w.lead !== null);
  const updates = leads.filter((w) => w.lead.expectedVersion !== null);
  const inserts = leads.filter((w) => w.lead.expectedVersion === null);
  const fragments: RawBuilder<unknown>[] = [];
  if (updates.length > 0) {
    const c = leadColumns(updates);
    fragments.push(sql`
      update leads as l set
        version = v.version, snapshot = v.snapshot, machine_id = v.machine_id,
        machine_version = v.machine_version, status = v.status, step = v.step, answers = v.answers,
        phone = coalesce(v.phone, l.phone), name = coalesce(v.name, l.name),
        last_inbound_at = coalesce(v.last_inbound_at, l.last_inbound_at),
        channel = coalesce(v.channel, l.channel), updated_at = ${at}
      from unnest(${c.id}::text[], ${c.expected}::bigint[], ${c.version}::bigint[], ${c.snapshot}::jsonb[],
        ${c.machineId}::text[], ${c.machineVersion}::int[], ${c.status}::text[], ${c.step}::text[],
        ${c.answers}::jsonb[], ${c.phone}::text[], ${c.name}::text[], ${c.lastInbound}::timestamptz[],
        ${c.channel}::text[])
        as v(id, expected, version, snapshot, machine_id, machine_version, status, step, answers, phone, name,
          last_inbound_at, channel)
      where l.id = v.id and l.version = v.expected
      returning l.id`);
  }
  if (inserts.length > 0) {
    const c = leadColumns(inserts);
    fragments.push(sql`
      insert into leads (id, actor_type, studio_id, version, snapshot, machine_id, machine_version, status,
        step, answers, phone, name, last_inbound_at, channel, created_at, updated_at)
      select *, ${at}::timestamptz, ${at}::timestamptz from unnest(${c.id}::text[], ${c.actorType}::text[],
        ${c.studioId}::text[], ${c.version}::bigint[], ${c.snapshot}::jsonb[], ${c.machineId}::text[],
        ${c.machineVersion}::int[], ${c.status}::text[], ${c.step}::text[], ${c.answers}::jsonb[],
        ${c.phone}::text[], ${c.name}::text[], ${c.lastInbound}::timestamptz[], ${c.channel}::text[])
      on conflict (id) do nothing
      returning id`);
  }
  return { fragments, leads };
}

function processedInsert(all: readonly LeadWrites[], at: Date): RawBuilder<unknown> | null {
  const rows = all.flatMap((w) => w.processed.map((p) => ({ leadId: w.leadId, ...p })));
  if (rows.length === 0) return null;
  return sql`
    insert into processed_messages (lead_id, message_id, lead_version, processed_at)
    select *, ${at}::timestamptz from unnest(${rows.map((r) => r.leadId)}::text[], ${rows.map((r) => text(r.messageId))}::text[],
      ${rows.map((r) => String(r.version))}::bigint[])`;
}

function transcriptInsert(all: readonly LeadWrites[]): RawBuilder<unknown> | null {
  const rows = all.flatMap((w) => w.transcript.map((t) => ({ leadId: w.leadId, ...t })));
  if (rows.length === 0) return null;
  return sql`
    insert into transcript (lead_id, direction, kind, text, data, provider_message_id, outbox_id, at)
    select lead_id, direction, kind, text, data, provider_message_id, outbox_id, at
    from unnest(${rows.map((r) => r.leadId)}::text[], ${rows.map((r) => r.direction)}::text[],
      ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => nullableText(r.text))}::text[],
      ${rows.map((r) => (r.data === null ? null : json(r.data)))}::jsonb[],
      ${rows.map((r) => nullableText(r.providerMessageId))}::text[], ${rows.map((r) => r.outboxId)}::uuid[],
      ${rows.map((r) => r.at)}::timestamptz[])
      with ordinality as t(lead_id, direction, kind, text, data, provider_message_id, outbox_id, at, n)
    order by n`;
}

function outboxInsert(all: readonly LeadWrites[], at: Date): RawBuilder<unknown> | null {
  const rows = all.flatMap((w) => w.outbox.map((o) => ({ leadId: w.leadId, ...o })));
  if (rows.length === 0) return null;
  // `seq` (bigserial) orders a lead's effects for the relay: insert in emission order.
  return sql`
    insert into outbox (id, lead_id, kind, payload, trace_id, envelope_id, next_attempt_at, created_at)
    select id, lead_id, kind, payload, trace_id, envelope_id, ${at}::timestamptz, ${at}::timestamptz
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.leadId)}::text[],
      ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => json(r.payload))}::jsonb[],
      ${rows.map((r) => r.traceId)}::text[], ${rows.map((r) => text(r.envelopeId))}::text[])
      with ordinality as o(id, lead_id, kind, payload, trace_id, envelope_id, n)
    order by n`;
}

async function writeTimers(tx: Tx, all: readonly LeadWrites[], at: Date): Promise<void> {
  const consumed = all.flatMap((w) => w.consumedTimerIds);
  if (consumed.length > 0) await sql`delete from timers where id = any(${consumed}::uuid[])`.execute(tx);
  const ops = all.flatMap((w) => [...w.timers].map(([key, timer]) => ({ w, key, timer })));
  const cancels = ops.filter((o) => o.timer === null);
  if (cancels.length > 0) {
    await sql`
      delete from timers t using unnest(${cancels.map((o) => o.w.leadId)}::text[],
        ${cancels.map((o) => o.key)}::text[]) as c(lead_id, key)
      where t.lead_id = c.lead_id and t.key = c.key`.execute(tx);
  }
  const upserts = ops.flatMap((o) => (o.timer ? [{ ...o, timer: o.timer }] : []));
  if (upserts.length > 0) {
    // Replacing a timer gives it a new id: a `timer:<old id>` envelope already on the bus is then ignored.
    await sql`
      insert into timers (id, lead_id, actor_type, studio_id, key, due_at, created_at)
      select *, ${at}::timestamptz from unnest(${upserts.map((o) => o.timer.id)}::uuid[], ${upserts.map((o) => o.w.leadId)}::text[],
        ${upserts.map((o) => o.w.actorType)}::text[], ${upserts.map((o) => o.w.studioId)}::text[],
        ${upserts.map((o) => o.key)}::text[], ${upserts.map((o) => o.timer.dueAt)}::timestamptz[])
      on conflict (lead_id, key) do update
        set id = excluded.id, due_at = excluded.due_at, fired_at = null, created_at = excluded.created_at`.execute(
      tx,
    );
  }
}

function systemEventsInsert(all: readonly LeadWrites[], at: Date): RawBuilder<unknown> | null {
  const rows = all.flatMap((w) => w.systemEvents);
  if (rows.length === 0) return null;
  return sql`
    insert into system_events (level, type, lead_id, payload, at)
    select level, type, lead_id, payload, coalesce(e.at, ${at}::timestamptz)
    from unnest(${rows.map((r) => r.level)}::text[], ${rows.map((r) => text(r.type))}::text[],
      ${rows.map((r) => r.leadId ?? null)}::text[], ${rows.map((r) => json(r.payload ?? {}))}::jsonb[],
      ${rows.map((r) => r.at?.toISOString() ?? null)}::timestamptz[])
      with ordinality as e(level, type, lead_id, payload, at, n)
    order by n`;
}

async function writeDeliveries(tx: Tx, all: readonly LeadWrites[]): Promise<void> {
  await applyDeliveryStatuses(
    tx,
    all.flatMap((w) =>
      [...w.deliveries].map(([providerMessageId, status]) => ({
        leadId: w.leadId,
        providerMessageId,
        status,
      })),
    ),
  );
  await recordDeliveryErrors(
    tx,
    all.flatMap((w) =>
      [...w.deliveryErrors].map(([providerMessageId, error]) => ({
        leadId: w.leadId,
        providerMessageId,
        error,
      })),
    ),
  );
}

/**
 * Brand-scoped identity: the identifiers the applied messages brought are recorded for their lead; one
 * that another lead of the studio already owns is skipped and reported as `identity.conflict`.
 */
async function writeIdentifiers(tx: Tx, all: readonly LeadWrites[], at: Date): Promise<void> {
  const rows = all.flatMap((w) => w.identifiers.map((i) => ({ w, ...i })));
  if (rows.length === 0) return;
  const conflicts = await sql<{ lead_id: string; type: string; value: string; owner: string }>`
    with wanted as (
      select * from unnest(${rows.map((r) => r.w.studioId)}::text[], ${rows.map((r) => r.type)}::text[],
        ${rows.map((r) => r.value)}::text[], ${rows.map((r) => r.w.leadId)}::text[])
        as w(studio_id, type, value, lead_id)
    ), added as (
      insert into lead_identifiers (studio_id, type, value, lead_id, created_at)
      select studio_id, type, value, lead_id, ${at}::timestamptz from wanted
      on conflict (studio_id, type, value) do nothing
      returning 1
    )
    select w.lead_id, w.type, w.value, li.lead_id as owner
    from wanted w join lead_identifiers li
      on li.studio_id = w.studio_id and li.type = w.type and li.value = w.value
    where li.lead_id <> w.lead_id`.execute(tx);
  if (conflicts.rows.length === 0) return;
  await tx
    .insertInto('system_events')
    .values(
      conflicts.rows.map((c) => ({
        at,
        level: 'warn',
        type: 'identity.conflict',
        lead_id: c.lead_id,
        payload: { type: c.type, value: c.value, ownerLeadId: c.owner },
      })),
    )
    .execute();
}

async function writeRetryProgress(tx: Tx, all: readonly LeadWrites[]): Promise<void> {
  const done = all.flatMap((w) => w.retriesDone);
  if (done.length > 0) await sql`delete from lead_retries where seq = any(${done}::bigint[])`.execute(tx);
  for (const w of all) {
    if (!w.retryHead) continue;
    await tx
      .updateTable('lead_retries')
      .set({
        attempts: w.retryHead.attempts,
        last_error: text(w.retryHead.lastError),
        next_attempt_at: w.retryHead.nextAttemptAt,
      })
      .where('seq', '=', w.retryHead.seq)
      .execute();
  }
}

function parkInsert(all: readonly LeadWrites[], at: Date): RawBuilder<unknown> | null {
  const park = all.flatMap((w) => w.park.map((p) => ({ leadId: w.leadId, ...p })));
  if (park.length === 0) return null;
  return sql`
      insert into lead_retries (lead_id, message_id, envelope, attempts, last_error, next_attempt_at, created_at)
      select lead_id, message_id, envelope, attempts, last_error, next_attempt_at, ${at}::timestamptz
      from unnest(${park.map((p) => p.leadId)}::text[], ${park.map((p) => text(p.messageId))}::text[],
        ${park.map((p) => json(p.envelope))}::jsonb[], ${park.map((p) => p.attempts)}::int[],
        ${park.map((p) => nullableText(p.lastError))}::text[], ${park.map((p) => p.nextAttemptAt.toISOString())}::timestamptz[])
        with ordinality as r(lead_id, message_id, envelope, attempts, last_error, next_attempt_at, n)
      order by n`;
}

function deadLettersInsert(all: readonly LeadWrites[], at: Date): RawBuilder<unknown> | null {
  const dead = all.flatMap((w) => w.deadLetters.map((d) => ({ leadId: w.leadId, ...d })));
  if (dead.length === 0) return null;
  return sql`
      insert into dead_letters (id, lead_id, message_id, envelope, error, attempts, failed_at)
      select *, ${at}::timestamptz from unnest(${dead.map((d) => d.id)}::uuid[], ${dead.map((d) => d.leadId)}::text[],
        ${dead.map((d) => text(d.messageId))}::text[], ${dead.map((d) => json(d.envelope))}::jsonb[],
        ${dead.map((d) => text(d.error))}::text[], ${dead.map((d) => d.attempts)}::int[])`;
}

/**
 * Writes every lead's changes inside `tx`; throws FencingConflict (roll back!) when a lead lost its race.
 * Leads, processed ids, transcript, outbox, system events, parked messages and dead letters go in ONE
 * statement (data-modifying CTEs on different tables); timers, delivery statuses and retry progress,
 * which may touch rows written earlier in the same commit, follow as separate statements.
 */
export async function commitWrites(tx: Tx, all: readonly LeadWrites[], at: Date): Promise<void> {
  const { fragments, leads } = leadStatements(all, at);
  const inserts = [
    processedInsert(all, at),
    transcriptInsert(all),
    outboxInsert(all, at),
    systemEventsInsert(all, at),
    parkInsert(all, at),
    deadLettersInsert(all, at),
  ].filter((f): f is RawBuilder<unknown> => f !== null);
  const ctes = [
    ...fragments.map((f, n) => sql`${sql.raw(`won${n}`)} as (${f})`),
    ...inserts.map((f, n) => sql`${sql.raw(`w${n}`)} as (${f} returning 1)`),
  ];
  if (ctes.length > 0) {
    const wonSelect =
      fragments.length === 0
        ? sql`select null::text as id where false`
        : sql.join(
            fragments.map((_, n) => sql`select id from ${sql.raw(`won${n}`)}`),
            sql` union all `,
          );
    const result = await sql<{ id: string | null }>`with ${sql.join(ctes, sql`, `)} ${wonSelect}`.execute(tx);
    const won = new Set(result.rows.map((r) => r.id));
    const lost = leads.filter((w) => !won.has(w.leadId)).map((w) => w.leadId);
    if (lost.length > 0) throw new FencingConflict(lost);
  }
  await writeTimers(tx, all, at);
  await writeIdentifiers(tx, all, at);
  await writeDeliveries(tx, all);
  await writeRetryProgress(tx, all);
}
