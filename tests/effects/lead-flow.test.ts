// The relay with the real lead machine in the real single-node runtime: a lead qualifies, the artist gets
// a WhatsApp notification with signed links, taps approve, the relay creates the Stripe checkout and the
// lead is sent the real session's URL; paid, the lead's first offers leave out a slot another lead booked.
// Providers are the local fakes. The relay runs on the conversation's clock, like the scheduler.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { useActionLink } from '../../src/effects/action-links/use-action-link.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import type { FakeGraphApi } from '../fakes/graph-api.ts';
import type { FakeStripeApi } from '../fakes/stripe-api.ts';
import type { RuntimeConversation } from '../transcripts/runtime-conversation.ts';
import { ACTION_LINK_SECRET, PUBLIC_BASE_URL } from './effects-harness.ts';
import { startRelayConversation, type RelayConversation } from './relay-conversation.ts';
import { testIso } from '../helpers/test-clock.ts';

let flow: RelayConversation;
let graph: FakeGraphApi;
let stripe: FakeStripeApi;
let conversation: RuntimeConversation;

beforeAll(async () => {
  flow = await startRelayConversation();
  ({ graph, stripe, conversation } = flow);
});
afterAll(async () => {
  await flow.close();
});

const settle = () => flow.settle();

it('qualify → artist approves by link → Stripe checkout → the lead gets the session URL', async () => {
  for (const body of ['hi', 'A fox on a branch', 'left forearm', '10x15cm', 'realism', 'none', '£300'])
    await conversation.text(body);
  expect(await conversation.status()).toBe('PENDING_APPROVAL');
  await settle();

  const artist = demoStudioConfig.studios[0]!.artists[0]!;
  const toArtist = graph.sends.filter((s) => s.body.to === artist.whatsapp.replace('+', ''));
  expect(toArtist).toHaveLength(1);
  const text = (toArtist[0]!.body.text as { body: string }).body;
  const approve = new RegExp(`Approve: ${PUBLIC_BASE_URL}/a/(\\S+)`).exec(text)?.[1];
  expect(approve).toBeDefined();
  const toLead = graph.sends.filter((s) => s.body.to === conversation.phone.replace('+', ''));
  expect(toLead.length).toBeGreaterThanOrEqual(7);
  expect(toLead.every((s) => s.wamid !== null)).toBe(true);
  // The style question reached WhatsApp as reply buttons, one per style.
  expect(toLead.filter((s) => s.body.type === 'interactive').map((s) => s.body.interactive)).toEqual([
    {
      type: 'button',
      body: { text: 'Which style? (realism, blackwork, fine line)' },
      action: {
        buttons: ['realism', 'blackwork', 'fine line'].map((style) => ({
          type: 'reply',
          reply: { id: `style:${style}`, title: style },
        })),
      },
    },
  ]);

  const outcome = await useActionLink({
    db: conversation.db,
    bus: conversation.rt.bus,
    secret: ACTION_LINK_SECRET,
    token: approve!,
    // The conversation's clock: the link was signed (and expires) on it.
    now: new Date(conversation.now),
  });
  expect(outcome).toMatchObject({ kind: 'accepted', action: 'approve' });
  await conversation.rt.idle();
  await settle();

  expect(stripe.sessions).toHaveLength(1);
  const session = stripe.sessions[0] as { url: string; metadata: { lead_id: string } };
  expect(session.metadata.lead_id).toBe(conversation.leadId);
  expect(await conversation.status()).toBe('AWAITING_DEPOSIT');
  const sentTexts = graph.sends.map((s) => JSON.stringify(s.body));
  expect(sentTexts.filter((t) => t.includes(session.url))).toHaveLength(1);
});

it('paid → the first offers, sent once the bookings are loaded, leave out a slot another lead booked', async () => {
  expect(await conversation.status()).toBe('AWAITING_DEPOSIT');
  // The first slot the lead would be offered (conversation clock: Mon 23 Nov 2026, 09:00 London).
  const start = new Date(testIso('2026-11-23T10:00:00.000Z'));
  await conversation.db
    .insertInto('bookings')
    .values({
      studio_id: 'inkwell',
      slot_start: start,
      slot_end: new Date(start.getTime() + 3_600_000),
      lead_id: leadIdFor('inkwell', '+447700900555'),
      outbox_id: null,
    })
    .execute();
  await conversation.control({ type: 'deposit.mark_paid' });
  await settle();

  expect(await conversation.status()).toBe('BOOKING');
  const interactive = graph.sends
    .filter((s) => s.body.to === conversation.phone.replace('+', '') && s.body.type === 'interactive')
    .map((s) => (s.body.interactive as { body: { text: string } }).body.text);
  // The style question's buttons first, then the offers.
  expect(interactive.slice(1)).toEqual([
    'Deposit received, thank you!\nPlease choose a time:\n1. Mon 23 Nov, 11:00\n2. Mon 23 Nov, 12:00\n3. Mon 23 Nov, 13:00\nReply with the number.',
  ]);
});
