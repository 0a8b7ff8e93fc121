// effect.deposit.check_session → Stripe's own view of a checkout session (`GET /v1/checkout/sessions/:id`),
// fed back as deposit.session_checked. The lead machine asks when the deposit's expiry is due, so a payment
// whose webhook was lost (endpoint down past Stripe's retries, a wrong signing secret) is still found. A
// read: retrying it is harmless, so it needs no idempotency key.
import type Stripe from 'stripe';
import { permanent } from '../effect-errors.ts';
import type { EffectHandler, EffectOf } from '../effect-handler.ts';
import { stripeError } from '../stripe/stripe-client.ts';

export function depositCheckSessionHandler(
  stripe: Stripe | undefined,
): EffectHandler<EffectOf<'effect.deposit.check_session'>> {
  return {
    provider: 'stripe',
    async execute(ctx) {
      if (!stripe) throw permanent('STRIPE_SECRET_KEY is not set', { reason: 'not_configured' });
      const { sessionId } = ctx.effect;
      let session: Stripe.Checkout.Session;
      try {
        session = await stripe.checkout.sessions.retrieve(sessionId);
      } catch (error) {
        throw stripeError(error);
      }
      // Sessions are created with metadata.lead_id (deposit-checkout.ts): another lead's session must never
      // pay this one, whatever put its id here.
      const owner = session.metadata?.lead_id;
      if (owner !== undefined && owner !== ctx.leadId)
        throw permanent(`Stripe session ${session.id} belongs to another lead`, { reason: 'other_lead' });
      const checked = {
        sessionId: session.id,
        status: session.status,
        paymentStatus: session.payment_status,
        amountTotal: session.amount_total,
        currency: session.currency,
      };
      return { result: checked, feedback: { type: 'deposit.session_checked', ...checked } };
    },
  };
}
