// Response shapes of the admin API, for the OpenAPI document (docs/contract.md §3).
import { z } from 'zod';
import { leadStatuses } from '../../domain/lead-statuses.ts';

/** The lead statuses of docs/contract.md §3 (src/domain; tests/gateway/admin-api.test.ts checks them against docs/contract.md). */
export const leadStatusSchema = z.enum(leadStatuses);

export const leadSchema = z.object({
  id: z.string(),
  studioId: z.string(),
  phone: z.string().nullable().meta({ description: 'E.164; null for a lead without a phone' }),
  channel: z.string().nullable().meta({
    description:
      "whatsapp, sms, web, app or api: the channel of the lead's latest inbound message (null before any)",
  }),
  identifiers: z
    .array(z.object({ type: z.enum(['phone', 'email', 'deviceId']), value: z.string() }))
    .meta({ description: 'brand-scoped identifiers (unique within the studio): phone, email, deviceId' }),
  name: z.string().nullable(),
  status: z.string().meta({
    description:
      'NEW, QUALIFYING, NEEDS_HUMAN, PENDING_APPROVAL, REJECTED, AWAITING_DEPOSIT, DEPOSIT_EXPIRED, BOOKING, BOOKED, OPTED_OUT or STALE',
  }),
  step: z.string().nullable(),
  answers: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const leadIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

export const messageSchema = z.object({
  direction: z.enum(['in', 'out']),
  kind: z.string(),
  text: z.string().nullable(),
  at: z.string(),
  providerMessageId: z.string().nullable(),
  deliveryStatus: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
});

export const limitParam = (max: number) => z.coerce.number().int().min(1).max(max).optional();
