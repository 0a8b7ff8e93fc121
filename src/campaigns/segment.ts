// Which leads of a studio a campaign's segment names, as one SQL condition over leads `l` and contacts `c`
// (left-joined: a lead without a contact row is targeted and then refused for want of consent). Dates are
// studio-local: "birthday today" compares the contact's MM-DD with the studio's date now.
import { sql, type RawBuilder } from 'kysely';
import { parseDuration } from '../domain/durations.ts';
import type { Segment } from './campaign-definition.ts';

export interface SegmentContext {
  studioId: string;
  now: Date;
  /** MM-DD in the studio's timezone. */
  monthDay: string;
}

export function segmentCondition(segment: Segment, ctx: SegmentContext): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [sql`l.studio_id = ${ctx.studioId}`, sql`l.actor_type = 'lead'`];
  if (segment.status !== undefined) parts.push(sql`l.status = any(${segment.status}::text[])`);
  // Any of the tags.
  if (segment.tags !== undefined) parts.push(sql`c.tags && ${segment.tags}::text[]`);
  if (segment.birthdayToday === true) parts.push(sql`c.birthday = ${ctx.monthDay}`);
  if (segment.inactiveFor !== undefined) {
    const since = new Date(ctx.now.getTime() - (parseDuration(segment.inactiveFor) ?? 0)).toISOString();
    parts.push(sql`(l.last_inbound_at is null or l.last_inbound_at < ${since}::timestamptz)`);
  }
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}
