// Stripe in the sandbox: with no STRIPE_SECRET_KEY outside production, a deposit checkout is a local
// session (id `cs_sandbox_<outbox id>`, a page of the console as its url) and checking it reads it as
// open and unpaid, so the lead waits for its deposit and expires like a real unpaid one, with no error.
import type { EffectHandler, EffectOf } from '../effect-handler.ts';
import { checkoutExpiresAt } from '../handlers/deposit-checkout.ts';

export const SANDBOX_SESSION_PREFIX = 'cs_sandbox_';

export function sandboxCheckoutHandler(
  publicBaseUrl: string | undefined,
): EffectHandler<EffectOf<'effect.deposit.create_checkout'>> {
  return {
    provider: 'stripe',
    execute(ctx) {
      const sessionId = `${SANDBOX_SESSION_PREFIX}${ctx.outboxId}`;
      const base = (publicBaseUrl ?? '').replace(/\/+$/, '');
      const url = `${base}/console/sandbox?session=${encodeURIComponent(sessionId)}`;
      const expiresAt = new Date(checkoutExpiresAt(ctx.effect.expiresAt, ctx.now) * 1000).toISOString();
      return Promise.resolve({
        result: { sessionId, url, expiresAt, sandbox: true },
        feedback: { type: 'deposit.checkout_created', sessionId, url, expiresAt },
      });
    },
  };
}

export function sandboxCheckSessionHandler(): EffectHandler<EffectOf<'effect.deposit.check_session'>> {
  return {
    provider: 'stripe',
    execute(ctx) {
      const checked = {
        sessionId: ctx.effect.sessionId,
        status: 'open',
        paymentStatus: 'unpaid',
        amountTotal: null,
        currency: null,
      };
      return Promise.resolve({ result: checked, feedback: { type: 'deposit.session_checked', ...checked } });
    },
  };
}
