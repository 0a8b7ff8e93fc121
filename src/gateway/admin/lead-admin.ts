// The admin operations on leads, shared by the HTTP routes and the NATS admin service (one function each).
import { randomUUID } from 'node:crypto';
import type { Bus } from '../../bus/bus.ts';
import type { Envelope } from '../../domain/envelope.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { Db } from '../../persistence/database.ts';
import { findLead, listLeads, type LeadView } from '../../persistence/queries/leads.ts';
import { GatewayError } from '../errors.ts';
import { publishAccepted } from '../publish.ts';
import { parseControlEvent } from './control-event.ts';

export interface AdminContext {
  db: Db;
  bus: Bus;
  metrics: Metrics;
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

/** "+44 7700 900123", "447700900123" and a '+' decoded to ' ' by a query string all mean +447700900123. */
export function normalisePhone(phone: string): string {
  return `+${phone.replace(/\D/g, '')}`;
}

export async function getLead(ctx: AdminContext, key: { id: string } | { phone: string }): Promise<LeadView> {
  const lead =
    'id' in key
      ? await findLead(ctx.db, key.id)
      : (await listLeads(ctx.db, { phone: normalisePhone(key.phone), limit: 1 }))[0];
  if (!lead) throw new GatewayError('LEAD_NOT_FOUND');
  return lead;
}

export interface LeadListQuery {
  phone?: string | undefined;
  email?: string | undefined;
  channel?: string | undefined;
  status?: string | undefined;
  limit?: number | undefined;
}

export async function findLeads(ctx: AdminContext, query: LeadListQuery): Promise<LeadView[]> {
  return listLeads(ctx.db, {
    ...(query.phone === undefined ? {} : { phone: normalisePhone(query.phone) }),
    ...(query.email === undefined ? {} : { email: query.email.trim().toLowerCase() }),
    ...(query.channel === undefined ? {} : { channel: query.channel }),
    ...(query.status === undefined ? {} : { status: query.status }),
    limit: Math.min(query.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT),
  });
}

/** Validates and durably enqueues a control event on the lead's ordered stream. */
export async function enqueueControlEvent(
  ctx: AdminContext,
  leadId: string,
  body: unknown,
  traceId?: string,
): Promise<{ accepted: true; id: string }> {
  const now = new Date();
  const event = parseControlEvent(body, now);
  const lead = await findLead(ctx.db, leadId);
  if (!lead) throw new GatewayError('LEAD_NOT_FOUND');
  const envelope: Envelope = {
    id: `admin:${randomUUID()}`,
    leadId: lead.id,
    actorType: 'lead',
    studioId: lead.studioId,
    acceptedAt: now.toISOString(),
    ...(traceId === undefined ? {} : { traceId }),
    event,
  };
  await publishAccepted(ctx, 'admin', [envelope]);
  return { accepted: true, id: envelope.id };
}
