// System events for GET /admin/system-events, newest first.
import type { Db } from '../database.ts';
import type { SystemEventLevel } from '../system-events.ts';

export interface SystemEventView {
  id: string;
  at: string;
  level: SystemEventLevel;
  type: string;
  leadId: string | null;
  payload: Record<string, unknown>;
}

export interface SystemEventFilter {
  type?: string;
  leadId?: string;
  level?: SystemEventLevel;
  since?: Date;
  limit: number;
}

export async function listSystemEvents(db: Db, filter: SystemEventFilter): Promise<SystemEventView[]> {
  let query = db.selectFrom('system_events').selectAll();
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.leadId !== undefined) query = query.where('lead_id', '=', filter.leadId);
  if (filter.level !== undefined) query = query.where('level', '=', filter.level);
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    level: r.level,
    type: r.type,
    leadId: r.lead_id,
    payload: r.payload,
  }));
}
