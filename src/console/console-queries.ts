// The read side of the console: a page of leads with filters and a total, the funnel's figures and the
// sandbox's recorded messages. Reads only; every action goes through the admin code paths.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import { leadColumns, toLeadView, type LeadView } from '../persistence/queries/leads.ts';

export const PAGE_SIZE = 50;

export interface LeadsQuery {
  studio?: string | undefined;
  status?: string | undefined;
  /** Digits of a phone number (any part), or an email once contacts carry one. */
  q?: string | undefined;
  page: number;
}

export async function leadsPage(db: Db, query: LeadsQuery): Promise<{ leads: LeadView[]; total: number }> {
  let base = db.selectFrom('leads').where('actor_type', '=', 'lead');
  if (query.studio) base = base.where('studio_id', '=', query.studio);
  if (query.status) base = base.where('status', '=', query.status);
  const digits = query.q?.replace(/\D/g, '') ?? '';
  if (query.q && digits !== '') base = base.where('phone', 'like', `%${digits}%`);
  else if (query.q) base = base.where(sql<boolean>`answers::text ilike ${`%${query.q}%`}`);
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
  return { leads: rows.map(toLeadView), total: Number(count.n) };
}

export interface StatusFigure {
  status: string;
  count: number;
  /** Median time since the lead last changed, for leads now in this status (ms). */
  medianIdleMs: number;
}

export async function statusFigures(db: Db, now: Date): Promise<StatusFigure[]> {
  const rows = await db
    .selectFrom('leads')
    .where('actor_type', '=', 'lead')
    .select([
      'status',
      (eb) => eb.fn.countAll<string>().as('n'),
      sql<
        string | number
      >`percentile_cont(0.5) within group (order by extract(epoch from (${now}::timestamptz - updated_at)) * 1000)`.as(
        'median_ms',
      ),
    ])
    .groupBy('status')
    .execute();
  return rows.map((r) => ({ status: r.status, count: Number(r.n), medianIdleMs: Number(r.median_ms) }));
}

/** Leads in a status that should move, untouched for longer than `idleMs`. */
export async function stuckLeads(db: Db, now: Date, idleMs: number, statuses: readonly string[]) {
  return db
    .selectFrom('leads')
    .where('actor_type', '=', 'lead')
    .where('status', 'in', [...statuses])
    .where('updated_at', '<', new Date(now.getTime() - idleMs))
    .select(['id', 'studio_id', 'phone', 'status', 'updated_at'])
    .orderBy('updated_at')
    .limit(50)
    .execute();
}

export async function sandboxMessages(db: Db, limit = 500) {
  return db
    .selectFrom('sandbox_messages')
    .select(['id', 'at', 'channel', 'studio_id', 'lead_id', 'sender', 'recipient', 'kind', 'text'])
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
}
