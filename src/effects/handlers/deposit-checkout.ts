// effect.deposit.create_checkout → a Stripe Checkout Session (mode payment) for the studio's deposit.
// Idempotency-Key = the outbox row id, the same on every retry, so a retried call never makes a second
// session. The session is tied back to the lead by metadata.lead_id and client_reference_id.
import type Stripe from 'stripe';
import { permanent } from '../effect-errors.ts';
import type { EffectHandler, EffectOf } from '../effect-handler.ts';
import { stripeError } from '../stripe/stripe-client.ts';

const MIN_AHEAD_MS = 30 * 60_000;
const MAX_AHEAD_MS = 24 * 3_600_000;
/** Stripe measures from when it receives the call: stay a minute inside its bounds. */
const MARGIN_MS = 60_000;

/** The requested expiry clamped into Stripe's window of [now + 30 min, now + 24 h]; unix seconds. */
export function checkoutExpiresAt(requested: string, now: Date): number {
  const min = now.getTime() + MIN_AHEAD_MS + MARGIN_MS;
  const max = now.getTime() + MAX_AHEAD_MS - MARGIN_MS;
  const wanted = Date.parse(requested);
  return Math.floor(Math.min(max, Math.max(min, Number.isNaN(wanted) ? max : wanted)) / 1000);
}

export function depositCheckoutHandler(
  stripe: Stripe | undefined,
  publicBaseUrl: string | undefined,
): EffectHandler<EffectOf<'effect.deposit.create_checkout'>> {
  return {
    provider: 'stripe',
    async execute(ctx) {
      if (!stripe) throw permanent('STRIPE_SECRET_KEY is not set', { reason: 'not_configured' });
      if (!publicBaseUrl) throw permanent('PUBLIC_BASE_URL is not set', { reason: 'not_configured' });
      const base = publicBaseUrl.replace(/\/+$/, '');
      const { effect } = ctx;
      let session: Stripe.Checkout.Session;
      try {
        session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: effect.currency.toLowerCase(),
                  unit_amount: effect.amount,
                  product_data: { name: effect.description },
                },
              },
            ],
            client_reference_id: ctx.leadId,
            metadata: { lead_id: ctx.leadId, studio_id: ctx.studio.id },
            expires_at: checkoutExpiresAt(effect.expiresAt, ctx.now),
            success_url: `${base}/deposit/success?session_id={CHECKOUT_SESSION_ID}`,
            cancel_url: `${base}/deposit/cancelled`,
          },
          { idempotencyKey: ctx.outboxId },
        );
      } catch (error) {
        throw stripeError(error);
      }
      if (!session.url)
        throw permanent('Stripe returned a session without a url', { reason: 'bad_response' });
      const expiresAt = new Date(session.expires_at * 1000).toISOString();
      return {
        result: { sessionId: session.id, url: session.url, expiresAt },
        feedback: { type: 'deposit.checkout_created', sessionId: session.id, url: session.url, expiresAt },
      };
    },
  };
}
