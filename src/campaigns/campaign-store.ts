// Campaign rows: stored as validated, read back as the Campaign shape of POST /admin/campaigns.
import type { Selectable } from 'kysely';
import type { Db } from '../persistence/database.ts';
import type { CampaignsTable } from '../persistence/schema-campaigns.ts';
import type { Campaign, CampaignMessage } from './campaign-definition.ts';

/** false when a campaign with that id exists already. */
export async function insertCampaign(db: Db, campaign: Campaign, now: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('campaigns')
    .values({
      id: campaign.id,
      studio_id: campaign.studioId,
      name: campaign.name,
      channel: campaign.channel,
      segment: campaign.segment,
      message: campaign.message,
      schedule: campaign.schedule ?? null,
      daily_quota: campaign.dailyQuota,
      rate_per_minute: campaign.ratePerMinute,
      created_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

type Row = Selectable<CampaignsTable>;

function toCampaign(row: Row): Campaign {
  return {
    id: row.id,
    studioId: row.studio_id,
    name: row.name,
    channel: row.channel as Campaign['channel'],
    segment: row.segment,
    message: row.message as CampaignMessage,
    ...(row.schedule === null ? {} : { schedule: row.schedule as { daily: string } }),
    dailyQuota: row.daily_quota,
    ratePerMinute: row.rate_per_minute,
  };
}

export async function findCampaign(db: Db, id: string): Promise<Campaign | undefined> {
  const row = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toCampaign(row);
}

/** Campaigns with a daily schedule (the scheduler's job starts their runs). */
export async function scheduledCampaigns(db: Db): Promise<Campaign[]> {
  const rows = await db.selectFrom('campaigns').selectAll().where('schedule', 'is not', null).execute();
  return rows.map(toCampaign);
}

/** Every campaign, newest first (the console's list). */
export async function listCampaigns(db: Db, limit = 200): Promise<(Campaign & { createdAt: Date })[]> {
  const rows = await db
    .selectFrom('campaigns')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...toCampaign(row), createdAt: row.created_at }));
}
