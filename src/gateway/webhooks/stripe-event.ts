// A verified Stripe event → the lead event for checkout sessions (completed / expired), or nothing for the
// event types Leadline does not use.
import { z } from 'zod';
import type { LeadEvent } from '../../domain/lead-events.ts';

export const checkoutSessionSchema = z.looseObject({
  id: z.string().min(1).max(256),
  payment_status: z.string().max(64).optional(),
  amount_total: z.number().int().nullable().optional(),
  currency: z.string().max(16).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});
export type CheckoutSession = z.infer<typeof checkoutSessionSchema>;

export const stripeEventSchema = z.looseObject({
  id: z.string().min(1).max(256),
  type: z.string(),
  data: z.looseObject({ object: z.unknown() }),
});
export type StripeEventLike = z.infer<typeof stripeEventSchema>;

export const HANDLED_TYPES = ['checkout.session.completed', 'checkout.session.expired'] as const;

export function checkoutLeadEvent(
  event: StripeEventLike,
  session: CheckoutSession,
  at: string,
): LeadEvent | undefined {
  if (event.type === 'checkout.session.completed') {
    return {
      type: 'stripe.checkout.completed',
      at,
      eventId: event.id,
      sessionId: session.id,
      paymentStatus: session.payment_status ?? 'unknown',
      amountTotal: session.amount_total ?? null,
      currency: session.currency ?? null,
    };
  }
  if (event.type === 'checkout.session.expired') {
    return { type: 'stripe.checkout.expired', at, eventId: event.id, sessionId: session.id };
  }
  return undefined;
}
