// Read model of leads for the admin API (HTTP and NATS). Only actor_type 'lead' rows: the probe and test
// actors share the table but are not leads.
import type { Db } from '../database.ts';
import type { LeadRow } from '../schema.ts';

export interface LeadIdentifierView {
  type: 'phone' | 'email' | 'deviceId';
  value: string;
}

/** The Lead of docs/contract.md §3 (and §6: channel, identifiers). */
export interface LeadView {
  id: string;
  studioId: string;
  phone: string | null;
  /** The channel of the lead's latest inbound message. */
  channel: string | null;
  /** Brand-scoped identifiers, phone first, then email, then deviceId. */
  identifiers: LeadIdentifierView[];
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
  | 'channel'
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
  'channel',
  'name',
  'status',
  'step',
  'answers',
  'version',
  'created_at',
  'updated_at',
] as const;

const TYPE_ORDER: readonly LeadIdentifierView['type'][] = ['phone', 'email', 'deviceId'];

/**
 * A lead row as the Lead JSON. `identifiers` are the lead's recorded ones; a phone on the row that is not
 * recorded (a contact imported before identities were recorded) is listed too.
 */
export function toLeadView(row: LeadColumns, recorded: readonly LeadIdentifierView[] = []): LeadView {
  const identifiers = [...recorded];
  if (row.phone !== null && !identifiers.some((i) => i.type === 'phone' && i.value === row.phone)) {
    identifiers.push({ type: 'phone', value: row.phone });
  }
  identifiers.sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type));
  return {
    id: row.id,
    studioId: row.studio_id,
    phone: row.phone,
    channel: row.channel,
    identifiers,
    name: row.name,
    status: row.status,
    step: row.step,
    answers: row.answers,
    version: Number(row.version),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Rows as Lead JSON with their recorded identifiers (one query for all of them). */
export async function withIdentifiers(db: Db, rows: readonly LeadColumns[]): Promise<LeadView[]> {
  if (rows.length === 0) return [];
  const recorded = await db
    .selectFrom('lead_identifiers')
    .select(['lead_id', 'type', 'value'])
    .where(
      'lead_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('created_at')
    .orderBy('value')
    .execute();
  return rows.map((row) =>
    toLeadView(
      row,
      recorded.filter((r) => r.lead_id === row.id).map((r) => ({ type: r.type, value: r.value })),
    ),
  );
}

export async function findLead(db: Db, id: string): Promise<LeadView | undefined> {
  const row = await db
    .selectFrom('leads')
    .select(leadColumns)
    .where('id', '=', id)
    .where('actor_type', '=', 'lead')
    .executeTakeFirst();
  return row && (await withIdentifiers(db, [row]))[0];
}

export interface LeadFilter {
  phone?: string;
  /** Lower-cased: leads whose recorded identifiers hold this email. */
  email?: string;
  channel?: string;
  status?: string;
  studioId?: string;
  limit: number;
}

/** Most recently updated first. */
export async function listLeads(db: Db, filter: LeadFilter): Promise<LeadView[]> {
  let query = db.selectFrom('leads').select(leadColumns).where('actor_type', '=', 'lead');
  if (filter.phone !== undefined) query = query.where('phone', '=', filter.phone);
  if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
  const email = filter.email;
  if (email !== undefined) {
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('lead_identifiers')
        .select('lead_id')
        .where('type', '=', 'email')
        .where('value', '=', email),
    );
  }
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.studioId !== undefined) query = query.where('studio_id', '=', filter.studioId);
  const rows = await query.orderBy('updated_at', 'desc').orderBy('id').limit(filter.limit).execute();
  return withIdentifiers(db, rows);
}
