// The read side of the console: a page of leads with filters and a total, and the sandbox's recorded
// messages (the funnel's figures are in funnel-queries.ts). Reads only; every action goes through the admin code paths.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import { leadColumns, withIdentifiers, type LeadView } from '../persistence/queries/leads.ts';

export const PAGE_SIZE = 50;

export interface LeadsQuery {
  studio?: string | undefined;
  status?: string | undefined;
  channel?: string | undefined;
  /** Digits of a phone number (any part), part of an email (with an @: the lead's or its contact's), or
   * text in the answers. */
  q?: string | undefined;
  page: number;
}

export async function leadsPage(db: Db, query: LeadsQuery): Promise<{ leads: LeadView[]; total: number }> {
  let base = db.selectFrom('leads').where('actor_type', '=', 'lead');
  if (query.studio) base = base.where('studio_id', '=', query.studio);
  if (query.status) base = base.where('status', '=', query.status);
  const digits = query.q?.replace(/\D/g, '') ?? '';
  const like = `%${query.q?.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`) ?? ''}%`;
  if (query.channel) base = base.where('channel', '=', query.channel);
  if (query.q?.includes('@'))
    base = base.where((eb) =>
      eb.or([
        eb(
          'id',
          'in',
          eb
            .selectFrom('lead_identifiers')
            .select('lead_id')
            .where('type', '=', 'email')
            .where('value', 'like', like),
        ),
        eb(
          'id',
          'in',
          eb
            .selectFrom('contacts')
            .select('lead_id')
            .where(sql<boolean>`lower(email) like ${like}`),
        ),
      ]),
    );
  else if (query.q && digits !== '') base = base.where('phone', 'like', `%${digits}%`);
  else if (query.q) base = base.where(sql<boolean>`answers::text ilike ${like}`);
  const [rows, count] = await Promise.all([
    base
      .select(leadColumns)
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(PAGE_SIZE)
      .offset((query.page - 1) * PAGE_SIZE)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { leads: await withIdentifiers(db, rows), total: Number(count.n) };
}

export async function sandboxMessages(db: Db, limit = 500) {
  return db
    .selectFrom('sandbox_messages')
    .select(['id', 'at', 'channel', 'studio_id', 'lead_id', 'sender', 'recipient', 'kind', 'text'])
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * What the lead page's live part shows, as one short string: the lead's version (every applied event
 * bumps it), its transcript's size and every message's delivery status (ticks change without a new
 * version), and its stored media. The page polls with the fingerprint it has; an unchanged one is answered
 * 204 without rendering, so an open lead page costs one indexed query every two seconds.
 */
export async function leadFingerprint(db: Db, leadId: string): Promise<string | undefined> {
  const row = await sql<{ fingerprint: string | null }>`
    select md5(l.version::text || '|' || coalesce(
      (select count(*)::text || ':' || string_agg(coalesce(t.delivery_status, '-'), ',' order by t.id)
         from transcript t where t.lead_id = l.id), '') || '|' || coalesce(
      (select string_agg(a.status, ',' order by a.id) from attachments a where a.lead_id = l.id), '')
    ) as fingerprint
    from leads l where l.id = ${leadId}`.execute(db);
  return row.rows[0]?.fingerprint ?? undefined;
}
