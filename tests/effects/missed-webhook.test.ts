// A lost Stripe webhook end to end: the real runtime, the real relay and the real `stripe` client against the
// fake Stripe server. The customer pays (the fake marks the session paid) but `checkout.session.completed`
// never arrives; when the deposit's expiry falls due the relay asks Stripe, and the lead gets slot offers
// instead of "your deposit link has expired". An unpaid session still expires.
import { afterEach, expect, it } from 'vitest';
import { EXPIRED_TEXT } from '../../src/machines/lead/deposit.ts';
import { startRelayConversation, type RelayConversation } from './relay-conversation.ts';

const HOUR = 3_600_000;
let flow: RelayConversation | undefined;
afterEach(async () => {
  await flow?.close();
  flow = undefined;
});

/** Qualified, approved, the real checkout created and its link sent; 20 hours later the lead writes. */
async function linkSent(f: RelayConversation): Promise<string> {
  const { conversation, stripe } = f;
  for (const body of ['hi', 'A fox on a branch', 'left forearm', '10x15cm', 'realism', 'none', '£300'])
    await conversation.text(body);
  await conversation.control({ type: 'artist.approve' });
  await f.settle();
  expect(await conversation.status()).toBe('AWAITING_DEPOSIT');
  const session = f.stripe.sessions[0] as { id: string } | undefined;
  expect(session).toBeDefined();
  await conversation.wait(20 * HOUR);
  // Inside the 24-hour window when the expiry falls due, so what follows is sent as text.
  await conversation.text('did my payment go through?');
  await f.settle();
  expect(stripe.retrievals).toEqual([]);
  return session?.id ?? '';
}

/** What the lead was sent through the fake Graph API, as text (interactive bodies included). */
function sentToLead(f: RelayConversation): string[] {
  const to = f.conversation.phone.replace('+', '');
  return f.graph.sends
    .filter((s) => s.body.to === to)
    .map((s) => {
      const body = s.body as { text?: { body: string }; interactive?: { body: { text: string } } };
      return body.text?.body ?? body.interactive?.body.text ?? '';
    });
}

async function systemEventTypes(f: RelayConversation): Promise<string[]> {
  const rows = await f.conversation.db
    .selectFrom('system_events')
    .select(['type', 'level'])
    .where('lead_id', '=', f.conversation.leadId)
    .execute();
  return rows.map((r) => `${r.level}:${r.type}`);
}

it('paid, webhook lost: at the expiry the relay asks Stripe, and the lead gets slot offers', async () => {
  flow = await startRelayConversation();
  const session = await linkSent(flow);
  flow.stripe.markPaid(session);
  await flow.conversation.wait(4 * HOUR);
  await flow.settle();

  expect(flow.stripe.retrievals.map((r) => r.sessionId)).toEqual([session]);
  expect(await flow.conversation.status()).toBe('BOOKING');
  expect(await systemEventTypes(flow)).toContain('warn:stripe.payment_reconciled');
  const sent = sentToLead(flow);
  expect(sent.at(-1)).toMatch(/^Deposit received, thank you!\nPlease choose a time:/);
  expect(sent).not.toContain(EXPIRED_TEXT);
});

it('unpaid: at the expiry Stripe says so, and the lead is told the link expired', async () => {
  flow = await startRelayConversation();
  const session = await linkSent(flow);
  await flow.conversation.wait(4 * HOUR);
  await flow.settle();

  expect(flow.stripe.retrievals.map((r) => r.sessionId)).toEqual([session]);
  expect(await flow.conversation.status()).toBe('DEPOSIT_EXPIRED');
  expect(await systemEventTypes(flow)).not.toContain('warn:stripe.payment_reconciled');
  expect(sentToLead(flow).at(-1)).toBe(EXPIRED_TEXT);
});
