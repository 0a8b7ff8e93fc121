// The admin service over NATS (docs/contract.md §4): name `leadline-admin`, endpoints leadline.admin.leads.get
// ({"id"} or {"phone"}), .list ({"phone"?, "status"?, "limit"?}) and .event ({"id", "event": {…}} →
// {"accepted": true} once durably enqueued). Same functions as the HTTP admin routes; errors use the same
// catalogue (`{"error":{"code","message","details"}}` plus the micro error headers).
import { z } from 'zod';
import { channelSchema } from '../../domain/lead-events.ts';
import {
  enqueueControlEvent,
  findLeads,
  getLead,
  MAX_LIST_LIMIT,
  type AdminContext,
} from '../admin/lead-admin.ts';
import { GatewayError } from '../errors.ts';
import { MicroError, MicroService } from './nats-micro.ts';
import { issuesOf } from '../zod-schemas.ts';

export const ADMIN_SERVICE_NAME = 'leadline-admin';
export const ADMIN_SUBJECTS = {
  get: 'leadline.admin.leads.get',
  list: 'leadline.admin.leads.list',
  event: 'leadline.admin.leads.event',
} as const;

const getRequest = z.union([
  z.object({ id: z.string().min(1).max(128) }),
  z.object({ phone: z.string().min(1).max(32) }),
]);
const listRequest = z.object({
  phone: z.string().max(32).optional(),
  email: z.string().max(320).optional(),
  channel: channelSchema.optional(),
  status: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
});
const eventRequest = z.object({ id: z.string().min(1).max(128), event: z.unknown() });

function parse<T>(schema: z.ZodType<T>, request: unknown): T {
  const result = schema.safeParse(request);
  if (!result.success) {
    throw new GatewayError('VALIDATION_FAILED', { details: issuesOf(result.error) });
  }
  return result.data;
}

/** GatewayError → the micro error reply; anything else propagates (500, logged by the caller). */
function asMicro(handler: (request: unknown) => Promise<unknown>) {
  return async (request: unknown): Promise<unknown> => {
    try {
      return await handler(request);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      const body = {
        error: {
          code: error.code,
          message: error.message,
          details: error.details ?? null,
        },
      };
      throw new MicroError(error.statusCode, error.message, body);
    }
  };
}

export function createAdminService(ctx: AdminContext, version = '0.1.0'): MicroService {
  return new MicroService({
    name: ADMIN_SERVICE_NAME,
    version,
    description: 'Leadline admin: look up leads and enqueue control events',
    endpoints: [
      {
        name: 'leads-get',
        subject: ADMIN_SUBJECTS.get,
        handler: asMicro(async (r) => getLead(ctx, parse(getRequest, r))),
      },
      {
        name: 'leads-list',
        subject: ADMIN_SUBJECTS.list,
        handler: asMicro(async (r) => ({ leads: await findLeads(ctx, parse(listRequest, r)) })),
      },
      {
        name: 'leads-event',
        subject: ADMIN_SUBJECTS.event,
        handler: asMicro(async (r) => {
          const { id, event } = parse(eventRequest, r);
          const { accepted, id: envelopeId } = await enqueueControlEvent(ctx, id, event);
          return { accepted, id: envelopeId };
        }),
      },
    ],
  });
}
