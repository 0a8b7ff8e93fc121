// A batch of a run's targets: the claims and the control events, in ONE transaction, so a crash leaves
// either nothing (the targets are still pending, the next worker takes them) or everything (for each send:
// the (campaign, lead, day) key, its unit of the quota and its envelope on the target row, published by
// whoever holds the run next). The envelope id is fixed by (campaign, day, lead): publishing it again is a
// duplicate the bus and the actor drop, so a send is never made twice. Known refusals (opted out, no
// consent) are counted here without spending quota; the lead's actor checks both again when the event
// arrives (it has the last word).
//
// Order inside the transaction, per batch: lock the targets (skip those another worker holds), claim the
// send keys of the addressable ones (one insert, in lead order so that two runs of one campaign never wait
// on each other's keys in a cycle), claim the quota for those keys (one conditional upsert for the lot,
// src/persistence/limits/daily-quota.ts), give back the keys of the targets the quota did not cover, and
// write the envelopes and the skips. Only then does anything leave the database.
import { sql } from 'kysely';
import type { Envelope } from '../domain/envelope.ts';
import type { CampaignSendEvent } from '../domain/lead-events.ts';
import type { Db, Tx } from '../persistence/database.ts';
import { claimDailyQuotaUnits } from '../persistence/limits/daily-quota.ts';
import type { Studio } from '../studio/studio-schema.ts';
import { renderParam, smsNumbers, templateName, type Campaign } from './campaign-definition.ts';

export interface RunContext {
  runId: string;
  campaign: Campaign;
  studio: Studio;
  /** The run's studio-local day (YYYY-MM-DD). */
  day: string;
}

export interface ClaimedSend {
  seq: number;
  envelope: Envelope;
}

export interface BatchOutcome {
  /** Targets this batch decided (sends and skips). 0: nothing pending was free to take. */
  handled: number;
  /** Sends whose claims committed, in target order: to be paced and published. */
  claimed: ClaimedSend[];
}

interface TargetRow {
  seq: number;
  lead_id: string;
  status: string;
  lead_phone: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  birthday: string | null;
  consent: boolean | null;
}

type Refusal = 'optedOut' | 'noConsent' | 'noAddress' | 'alreadySent' | 'quotaExhausted';

export function senderOf(campaign: Campaign, studio: Studio): string {
  return campaign.channel === 'whatsapp' ? studio.whatsapp.phoneNumberId : (smsNumbers(studio)[0] ?? '');
}

function campaignEvent(ctx: RunContext, target: TargetRow, phone: string, at: string): CampaignSendEvent {
  const { campaign, studio } = ctx;
  const fields = { name: target.name, phone, email: target.email, birthday: target.birthday };
  // WhatsApp sends a template; SMS its text, or (a campaign naming only a template) the template, which
  // the SMS channel sends as its plain text.
  const sendsTemplate =
    campaign.channel === 'whatsapp' ||
    (campaign.message.text === undefined && campaign.message.template !== undefined);
  const message: CampaignSendEvent['message'] = sendsTemplate
    ? {
        kind: 'template',
        name: templateName(studio, campaign.message.template ?? ''),
        // The campaign's language when it names one; else the lead's actor picks the lead's language
        // among the studio's, or the studio's own (it knows the lead; this worker does not).
        ...(campaign.message.language === undefined ? {} : { language: campaign.message.language }),
        params: campaign.message.params.map((p) => renderParam(p, fields)),
      }
    : { kind: 'text', text: renderParam(campaign.message.text ?? '', fields) };
  return {
    type: 'campaign.send',
    at,
    campaignId: campaign.id,
    runId: ctx.runId,
    channel: campaign.channel,
    phone,
    consent: target.consent === true,
    message,
  };
}

/** What the worker can tell before claiming anything (the actor checks opt-out and consent again). */
function refusalOf(target: TargetRow): Refusal | null {
  if (target.status === 'OPTED_OUT') return 'optedOut';
  if (target.consent !== true) return 'noConsent';
  return (target.phone ?? target.lead_phone) === null ? 'noAddress' : null;
}

async function lockTargets(tx: Tx, runId: string, limit: number): Promise<TargetRow[]> {
  const found = await sql<TargetRow>`
    select t.seq, t.lead_id, l.status, l.phone as lead_phone, c.name, c.phone, c.email, c.birthday, c.consent
    from campaign_targets t join leads l on l.id = t.lead_id left join contacts c on c.lead_id = t.lead_id
    where t.run_id = ${runId}::uuid and t.state = 'pending' and t.envelope is null
    order by t.seq limit ${limit}
    for update of t skip locked`.execute(tx);
  return found.rows;
}

/** The leads whose (campaign, lead, day) key this transaction now owns (another send holds the others). */
async function claimSendKeys(tx: Tx, ctx: RunContext, leadIds: string[]): Promise<Set<string>> {
  if (leadIds.length === 0) return new Set();
  const sorted = [...leadIds].sort();
  const result = await sql<{ lead_id: string }>`
    insert into campaign_sends (campaign_id, lead_id, day, run_id)
    select ${ctx.campaign.id}, k.lead_id, ${ctx.day}::date, ${ctx.runId}::uuid
    from unnest(${sorted}::text[]) with ordinality as k(lead_id, n) order by k.n
    on conflict do nothing
    returning lead_id`.execute(tx);
  return new Set(result.rows.map((r) => r.lead_id));
}

/** Keys claimed in this transaction for sends the quota did not cover: the lead may get it tomorrow. */
async function releaseSendKeys(tx: Tx, ctx: RunContext, leadIds: string[]): Promise<void> {
  if (leadIds.length === 0) return;
  await sql`
    delete from campaign_sends
    where campaign_id = ${ctx.campaign.id} and day = ${ctx.day}::date and run_id = ${ctx.runId}::uuid
      and lead_id = any(${leadIds}::text[])`.execute(tx);
}

async function writeOutcomes(
  tx: Tx,
  runId: string,
  claimed: ClaimedSend[],
  skipped: { seq: number; reason: Refusal }[],
): Promise<void> {
  if (claimed.length > 0) {
    const rows = JSON.stringify(claimed.map((c) => ({ seq: c.seq, envelope: c.envelope })));
    await sql`
      update campaign_targets t set envelope = v.envelope
      from jsonb_to_recordset(${rows}::jsonb) as v(seq int, envelope jsonb)
      where t.run_id = ${runId}::uuid and t.seq = v.seq`.execute(tx);
  }
  if (skipped.length > 0) {
    const rows = JSON.stringify(skipped);
    await sql`
      update campaign_targets t set state = 'skipped', reason = v.reason
      from jsonb_to_recordset(${rows}::jsonb) as v(seq int, reason text)
      where t.run_id = ${runId}::uuid and t.seq = v.seq`.execute(tx);
  }
}

/** Decides up to `limit` pending targets of the run, in seq order, in one transaction. */
export async function claimBatch(db: Db, ctx: RunContext, limit: number, now: Date): Promise<BatchOutcome> {
  const at = now.toISOString();
  return db.transaction().execute(async (tx): Promise<BatchOutcome> => {
    const targets = await lockTargets(tx, ctx.runId, limit);
    const skipped: { seq: number; reason: Refusal }[] = [];
    const addressable: TargetRow[] = [];
    for (const target of targets) {
      const refusal = refusalOf(target);
      if (refusal === null) addressable.push(target);
      else skipped.push({ seq: target.seq, reason: refusal });
    }
    const owned = await claimSendKeys(
      tx,
      ctx,
      addressable.map((t) => t.lead_id),
    );
    const keyed: TargetRow[] = [];
    for (const target of addressable) {
      if (owned.has(target.lead_id)) keyed.push(target);
      else skipped.push({ seq: target.seq, reason: 'alreadySent' });
    }
    const quota = {
      studioId: ctx.studio.id,
      channel: ctx.campaign.channel,
      sender: senderOf(ctx.campaign, ctx.studio),
      day: ctx.day,
    };
    const { granted } = await claimDailyQuotaUnits(tx, quota, ctx.campaign.dailyQuota, keyed.length);
    // The quota covers the first `granted` targets in seq order; the rest give their keys back.
    const uncovered = keyed.slice(granted);
    await releaseSendKeys(
      tx,
      ctx,
      uncovered.map((t) => t.lead_id),
    );
    for (const target of uncovered) skipped.push({ seq: target.seq, reason: 'quotaExhausted' });
    const claimed = keyed.slice(0, granted).map((target): ClaimedSend => {
      const phone = target.phone ?? target.lead_phone ?? '';
      const envelope: Envelope = {
        id: `campaign:${ctx.campaign.id}:${ctx.day}:${target.lead_id}`,
        leadId: target.lead_id,
        actorType: 'lead',
        studioId: ctx.studio.id,
        acceptedAt: at,
        event: campaignEvent(ctx, target, phone, at),
      };
      return { seq: target.seq, envelope };
    });
    await writeOutcomes(tx, ctx.runId, claimed, skipped);
    return { handled: targets.length, claimed };
  });
}

/** After the bus took the envelopes. */
export async function markPublished(db: Db, runId: string, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await db
    .updateTable('campaign_targets')
    .set({ state: 'published' })
    .where('run_id', '=', runId)
    .where('seq', 'in', seqs)
    .execute();
}
