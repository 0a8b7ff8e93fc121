// One page of a number's history, applied in one transaction with the cursor of the next page: inbound
// messages the lead never got are staged for delivery, the ones it got are counted, outbound ones are
// matched against what Leadline sent. A crash before the commit re-reads the page; after it, the next one.
import { sql } from 'kysely';
import {
  smsEnvelope,
  smsEnvelopeId,
  smsItems,
  e164,
  type SmsInbound,
} from '../gateway/webhooks/sms-inbound.ts';
import { leadIdFor } from '../domain/ids.ts';
import type { Db } from '../persistence/database.ts';
import type { Studio } from '../studio/studio-schema.ts';
import type { HistoryMessage, HistoryPage, ReconcileNumber } from './history.ts';

/** Findings stored per number (the counts stay exact; the list is for looking into it). */
export const MAX_FINDINGS = 100;

export interface PageContext {
  runId: string;
  number: ReconcileNumber;
  studio: Studio | undefined;
  now: Date;
}

export interface PageOutcome {
  inbound: number;
  existing: number;
  staged: number;
  outbound: number;
  matched: number;
}

/** Inbound messages a lead sent to the number (the number's own health probes and pilot blocks excluded). */
export function leadMessages(page: readonly HistoryMessage[], number: string, studio: Studio | undefined) {
  return page.filter((m) => {
    if (m.direction !== 'in') return false;
    const from = e164(m.from);
    if (from === undefined || from === number) return false;
    return !studio?.pilot || studio.pilot.allowlist.includes(from);
  });
}

function itemsOf(message: HistoryMessage, number: string): SmsInbound[] {
  return smsItems(
    { provider: message.provider, from: message.from, to: number, sentAt: message.sentAt },
    message.id,
    message.text,
    message.media,
  );
}

async function knownEnvelopeIds(
  db: Db,
  items: readonly { id: string; leadId: string }[],
): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const ids = items.map((i) => i.id);
  const leads = [...new Set(items.map((i) => i.leadId))];
  const [processed, inbox] = await Promise.all([
    db
      .selectFrom('processed_messages')
      .select('message_id')
      .where('lead_id', 'in', leads)
      .where('message_id', 'in', ids)
      .execute(),
    // Single node: accepted by the webhook, not yet applied.
    db.selectFrom('inbox').select('message_id').where('message_id', 'in', ids).execute(),
  ]);
  return new Set([...processed, ...inbox].map((r) => r.message_id));
}

async function ourOutboundIds(
  db: Db,
  ids: readonly string[],
): Promise<{ ours: Set<string>; probes: Set<string> }> {
  if (ids.length === 0) return { ours: new Set(), probes: new Set() };
  const [ours, probes] = await Promise.all([
    db
      .selectFrom('transcript')
      .select('provider_message_id')
      .where('direction', '=', 'out')
      .where('provider_message_id', 'in', ids)
      .execute(),
    db
      .selectFrom('channel_health_checks')
      .select('provider_message_id')
      .where('provider_message_id', 'in', ids)
      .execute(),
  ]);
  const set = (rows: { provider_message_id: string | null }[]) =>
    new Set(rows.flatMap((r) => (r.provider_message_id === null ? [] : [r.provider_message_id])));
  return { ours: set(ours), probes: set(probes) };
}

export async function applyPage(db: Db, ctx: PageContext, page: HistoryPage): Promise<PageOutcome> {
  const number = ctx.number.number;
  const at = ctx.now.toISOString();
  const inbound = leadMessages(page.messages, number, ctx.studio);
  const perMessage = inbound.map((m) => ({ message: m, items: itemsOf(m, number) }));
  const keyed = perMessage.flatMap(({ items }) =>
    items.map((item) => ({ id: smsEnvelopeId(item), leadId: leadIdFor(ctx.number.studioId, item.from) })),
  );
  const known = await knownEnvelopeIds(db, keyed);
  let existing = 0;
  const staged: { item: SmsInbound; message: HistoryMessage }[] = [];
  for (const { message, items } of perMessage) {
    const missing = items.filter((item) => !known.has(smsEnvelopeId(item)));
    if (missing.length === 0) existing++;
    for (const item of missing) staged.push({ item, message });
  }

  const outboundAll = page.messages.filter((m) => m.direction === 'out' && m.to !== number);
  const { ours, probes } = await ourOutboundIds(
    db,
    outboundAll.map((m) => m.id),
  );
  const outbound = outboundAll.filter((m) => !probes.has(m.id));
  const unknown = outbound.filter((m) => !ours.has(m.id));
  const findings = unknown.map((m) => ({
    kind: 'unknown_outbound',
    number,
    messageId: m.id,
    to: m.to,
    sentAt: m.sentAt,
  }));

  await db.transaction().execute(async (tx) => {
    if (staged.length > 0)
      await tx
        .insertInto('reconciliation_items')
        .values(
          staged.map(({ item, message }) => {
            const envelope = smsEnvelope(ctx.number.studioId, item, at);
            return {
              run_id: ctx.runId,
              envelope_id: envelope.id,
              number,
              provider_message_id: message.id,
              lead_id: envelope.leadId,
              sent_at: message.sentAt,
              envelope: JSON.stringify(envelope),
            };
          }),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    if (outbound.length > 0)
      await tx
        .insertInto('reconciliation_outbound')
        .values(
          outbound.map((m) => ({
            run_id: ctx.runId,
            number,
            provider_message_id: m.id,
            matched: ours.has(m.id),
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    await tx
      .updateTable('reconciliation_run_numbers')
      .set((eb) => ({
        cursor: page.next,
        phase: page.next === null ? 'deliver' : 'scan',
        pages: eb('pages', '+', 1),
        inbound: eb('inbound', '+', inbound.length),
        existing: eb('existing', '+', existing),
        outbound: eb('outbound', '+', outbound.length),
        outbound_matched: eb('outbound_matched', '+', outbound.length - unknown.length),
        findings: sql`case when jsonb_array_length(findings) < ${MAX_FINDINGS}
          then findings || ${JSON.stringify(findings.slice(0, MAX_FINDINGS))}::jsonb else findings end`,
      }))
      .where('run_id', '=', ctx.runId)
      .where('number', '=', number)
      .execute();
  });
  return {
    inbound: inbound.length,
    existing,
    staged: staged.length,
    outbound: outbound.length,
    matched: outbound.length - unknown.length,
  };
}
