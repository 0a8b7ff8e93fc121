// The funnel's figures, computed exactly from the history of status changes (lead_status_changes, written
// by a trigger on leads at each change's updated_at): leads per status, how many leads reached each step
// of the main path and the share of the step before that did, the median length of finished stays in each
// status, and leads stuck in a status that should move. Reads only.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';

/** The main path a lead walks, in order. */
export const FUNNEL_STEPS = [
  'NEW',
  'QUALIFYING',
  'PENDING_APPROVAL',
  'AWAITING_DEPOSIT',
  'BOOKING',
  'BOOKED',
] as const;

/**
 * For a lead whose history starts with a backfilled row (it existed before the history did), how far its
 * status shows it got: a REJECTED lead was pending approval, a DEPOSIT_EXPIRED one was asked for a deposit.
 */
const REACHED_BY_STATUS: Record<string, number> = {
  NEW: 0,
  OPTED_OUT: 0,
  QUALIFYING: 1,
  NEEDS_HUMAN: 1,
  STALE: 1,
  PENDING_APPROVAL: 2,
  REJECTED: 2,
  AWAITING_DEPOSIT: 3,
  DEPOSIT_EXPIRED: 3,
  BOOKING: 4,
  BOOKED: 5,
};

/** Statuses a lead should leave without anyone deciding otherwise. */
export const MOVING_STATUSES = [
  'NEW',
  'QUALIFYING',
  'NEEDS_HUMAN',
  'PENDING_APPROVAL',
  'AWAITING_DEPOSIT',
  'BOOKING',
] as const;

export interface FunnelStep {
  step: string;
  reached: number;
  /** reached ÷ the previous step's reached; null for the first step or after a step nobody reached. */
  rate: number | null;
}

/** Pure: from "this many leads got at most this far" to each step's reach and step-to-step conversion. */
export function conversion(furthest: ReadonlyMap<number, number>): FunnelStep[] {
  const reached = FUNNEL_STEPS.map((_, i) =>
    [...furthest].filter(([index]) => index >= i).reduce((n, [, count]) => n + count, 0),
  );
  return FUNNEL_STEPS.map((step, i) => {
    const previous = i === 0 ? undefined : reached[i - 1];
    return {
      step,
      reached: reached[i] ?? 0,
      rate: previous === undefined || previous === 0 ? null : (reached[i] ?? 0) / previous,
    };
  });
}

export interface StatusStays {
  status: string;
  /** Leads in this status now. */
  current: number;
  /** Finished stays (entered and left again) since the history began. */
  finished: number;
  /** Median length of the finished stays (ms), null when there are none. */
  medianMs: number | null;
}

export interface StuckLead {
  id: string;
  studioId: string;
  phone: string | null;
  status: string;
  /** When the lead entered its current status. */
  since: Date;
}

export interface FunnelFigures {
  steps: FunnelStep[];
  stays: StatusStays[];
  stuck: StuckLead[];
}

async function furthestCounts(db: Db): Promise<Map<number, number>> {
  const steps = [...FUNNEL_STEPS];
  const keys = Object.keys(REACHED_BY_STATUS);
  const values = keys.map((k) => REACHED_BY_STATUS[k] ?? 0);
  const rows = await sql<{ furthest: number; n: number }>`
    select furthest, count(*)::int as n from (
      select lead_id, max(case
        when to_status = any(${steps}::text[]) then array_position(${steps}::text[], to_status) - 1
        when backfilled then coalesce(
          (select m.i from unnest(${keys}::text[], ${values}::int[]) as m(k, i) where m.k = to_status), 0)
        else 0 end) as furthest
      from lead_status_changes group by lead_id) f
    group by furthest`.execute(db);
  return new Map(rows.rows.map((r) => [r.furthest, r.n]));
}

async function stays(db: Db): Promise<StatusStays[]> {
  const rows = await sql<{ status: string; current: number; finished: number; median_ms: number | null }>`
    with stays as (
      select to_status, backfilled, at,
             lead(at) over (partition by lead_id order by at, id) as left_at
      from lead_status_changes)
    select to_status as status,
           count(*) filter (where left_at is null)::int as current,
           count(*) filter (where left_at is not null and not backfilled)::int as finished,
           percentile_cont(0.5) within group (order by extract(epoch from (left_at - at)) * 1000)
             filter (where left_at is not null and not backfilled) as median_ms
    from stays group by to_status`.execute(db);
  return rows.rows.map((r) => ({
    status: r.status,
    current: r.current,
    finished: r.finished,
    medianMs: r.median_ms,
  }));
}

/** Leads in a moving status that entered it more than `idleMs` before `now`, longest waiting first. */
export async function stuckLeads(db: Db, now: Date, idleMs: number, limit = 50): Promise<StuckLead[]> {
  const before = new Date(now.getTime() - idleMs);
  const rows = await sql<{
    id: string;
    studio_id: string;
    phone: string | null;
    status: string;
    since: Date;
  }>`
    select l.id, l.studio_id, l.phone, l.status, c.at as since
    from leads l
    join lateral (
      select at from lead_status_changes c where c.lead_id = l.id order by at desc, id desc limit 1) c on true
    where l.actor_type = 'lead' and l.status = any(${[...MOVING_STATUSES]}::text[]) and c.at < ${before}
    order by c.at, l.id
    limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    studioId: r.studio_id,
    phone: r.phone,
    status: r.status,
    since: new Date(r.since),
  }));
}

export async function funnelFigures(db: Db, now: Date, stuckAfterMs: number): Promise<FunnelFigures> {
  const [furthest, byStatus, stuck] = await Promise.all([
    furthestCounts(db),
    stays(db),
    stuckLeads(db, now, stuckAfterMs),
  ]);
  return { steps: conversion(furthest), stays: byStatus, stuck };
}
