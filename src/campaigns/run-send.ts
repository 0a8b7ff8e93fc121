// One target of a run: the claims and the control event, in ONE transaction, so a crash leaves either
// nothing (the target is still pending, the next worker takes it) or everything (the (campaign, lead, day)
// key, the quota unit and the envelope on the target row, published by whoever holds the run next). The
// envelope id is fixed by (campaign, day, lead): publishing it again is a duplicate the bus and the actor
// drop, so a send is never made twice. Known refusals (opted out, no consent) are counted here without
// spending quota; the lead's actor checks both again when the event arrives (it has the last word).
import { sql } from 'kysely';
import type { Envelope } from '../domain/envelope.ts';
import type { CampaignSendEvent } from '../domain/lead-events.ts';
import type { Db } from '../persistence/database.ts';
import { claimDailyQuota } from '../persistence/limits/daily-quota.ts';
import { claimSendOnce } from '../persistence/limits/send-once.ts';
import type { Studio } from '../studio/studio-schema.ts';
import { renderParam, smsNumbers, templateName, type Campaign } from './campaign-definition.ts';

export interface RunContext {
  runId: string;
  campaign: Campaign;
  studio: Studio;
  /** The run's studio-local day (YYYY-MM-DD). */
  day: string;
}

export type TargetOutcome =
  | { kind: 'claimed'; envelope: Envelope }
  | { kind: 'skipped'; reason: string }
  /** Another worker holds or finished it. */
  | { kind: 'gone' };

interface TargetRow {
  lead_id: string;
  status: string;
  lead_phone: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  birthday: string | null;
  consent: boolean | null;
}

class QuotaExhausted extends Error {}

export function senderOf(campaign: Campaign, studio: Studio): string {
  return campaign.channel === 'whatsapp' ? studio.whatsapp.phoneNumberId : (smsNumbers(studio)[0] ?? '');
}

function campaignEvent(ctx: RunContext, target: TargetRow, phone: string, at: string): CampaignSendEvent {
  const { campaign, studio } = ctx;
  const fields = { name: target.name, phone, email: target.email, birthday: target.birthday };
  const message: CampaignSendEvent['message'] =
    campaign.channel === 'whatsapp'
      ? {
          kind: 'template',
          name: templateName(studio, campaign.message.template ?? ''),
          language: campaign.message.language,
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

async function skip(db: Db, ctx: RunContext, seq: number, reason: string): Promise<TargetOutcome> {
  await db
    .updateTable('campaign_targets')
    .set({ state: 'skipped', reason })
    .where('run_id', '=', ctx.runId)
    .where('seq', '=', seq)
    .where('state', '=', 'pending')
    .execute();
  return { kind: 'skipped', reason };
}

export async function claimTarget(db: Db, ctx: RunContext, seq: number, now: Date): Promise<TargetOutcome> {
  const at = now.toISOString();
  try {
    return await db.transaction().execute(async (tx): Promise<TargetOutcome> => {
      const found = await sql<TargetRow>`
        select t.lead_id, l.status, l.phone as lead_phone, c.name, c.phone, c.email, c.birthday, c.consent
        from campaign_targets t join leads l on l.id = t.lead_id left join contacts c on c.lead_id = t.lead_id
        where t.run_id = ${ctx.runId}::uuid and t.seq = ${seq} and t.state = 'pending' and t.envelope is null
        for update of t skip locked`.execute(tx);
      const target = found.rows[0];
      if (!target) return { kind: 'gone' };
      const phone = target.phone ?? target.lead_phone;
      const refusal =
        target.status === 'OPTED_OUT'
          ? 'optedOut'
          : target.consent !== true
            ? 'noConsent'
            : phone === null
              ? 'noAddress'
              : null;
      if (refusal !== null || phone === null) return skip(tx, ctx, seq, refusal ?? 'noAddress');
      const key = { campaignId: ctx.campaign.id, leadId: target.lead_id, day: ctx.day, runId: ctx.runId };
      if (!(await claimSendOnce(tx, key))) return skip(tx, ctx, seq, 'alreadySent');
      const quota = {
        studioId: ctx.studio.id,
        channel: ctx.campaign.channel,
        sender: senderOf(ctx.campaign, ctx.studio),
        day: ctx.day,
      };
      // Roll back the send key with the failed claim: the lead may still get this campaign tomorrow.
      if ((await claimDailyQuota(tx, quota, ctx.campaign.dailyQuota)) === null) throw new QuotaExhausted();
      const envelope: Envelope = {
        id: `campaign:${ctx.campaign.id}:${ctx.day}:${target.lead_id}`,
        leadId: target.lead_id,
        actorType: 'lead',
        studioId: ctx.studio.id,
        acceptedAt: at,
        event: campaignEvent(ctx, target, phone, at),
      };
      await tx
        .updateTable('campaign_targets')
        .set({ envelope: envelope as unknown as Record<string, unknown> })
        .where('run_id', '=', ctx.runId)
        .where('seq', '=', seq)
        .execute();
      return { kind: 'claimed', envelope };
    });
  } catch (error) {
    if (error instanceof QuotaExhausted) return skip(db, ctx, seq, 'quotaExhausted');
    throw error;
  }
}

/** After the bus took the envelope. */
export async function markPublished(db: Db, runId: string, seq: number): Promise<void> {
  await db
    .updateTable('campaign_targets')
    .set({ state: 'published' })
    .where('run_id', '=', runId)
    .where('seq', '=', seq)
    .execute();
}
