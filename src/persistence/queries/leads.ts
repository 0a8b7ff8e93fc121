// Read model of leads for the admin API (HTTP and NATS). Only actor_type 'lead' rows: the probe and test
// actors share the table but are not leads.
import type { Db } from '../database.ts';
import type { LeadRow } from '../schema.ts';

/** The Lead of CONTRACT §3. */
export interface LeadView {
  id: string;
  studioId: string;
  phone: string | null;
  name: string | null;
  status: string;
  step: string | null;
  answers: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

type LeadColumns = Pick<
  LeadRow,
  | 'id'
  | 'studio_id'
  | 'phone'
  | 'name'
  | 'status'
  | 'step'
  | 'answers'
  | 'version'
  | 'created_at'
  | 'updated_at'
>;

/** The columns a LeadView is made from (toLeadView). */
export const leadColumns = [
  'id',
  'studio_id',
  'phone',
  'name',
  'status',
  'step',
  'answers',
  'version',
  'created_at',
  'updated_at',
] as const;

export function toLeadView(row: LeadColumns): LeadView {
  return {
    id: row.id,
    studioId: row.studio_id,
    phone: row.phone,
    name: row.name,
    status: row.status,
    step: row.step,
    answers: row.answers,
    version: Number(row.version),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function findLead(db: Db, id: string): Promise<LeadView | undefined> {
  const row = await db
    .selectFrom('leads')
    .select(leadColumns)
    .where('id', '=', id)
    .where('actor_type', '=', 'lead')
    .executeTakeFirst();
  return row && toLeadView(row);
}

export interface LeadFilter {
  phone?: string;
  status?: string;
  studioId?: string;
  limit: number;
}

/** Most recently updated first. */
export async function listLeads(db: Db, filter: LeadFilter): Promise<LeadView[]> {
  let query = db.selectFrom('leads').select(leadColumns).where('actor_type', '=', 'lead');
  if (filter.phone !== undefined) query = query.where('phone', '=', filter.phone);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.studioId !== undefined) query = query.where('studio_id', '=', filter.studioId);
  const rows = await query.orderBy('updated_at', 'desc').orderBy('id').limit(filter.limit).execute();
  return rows.map(toLeadView);
}
