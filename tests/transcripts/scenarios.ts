// Golden conversations (docs/contract.md §5), written once against `Conversation` and run both on the pure machine
// (tests/machines/golden-pure.test.ts) and through the real runtime (tests/transcripts/golden.test.ts).
import { expect } from 'vitest';
import { withChoices } from '../machines/lead-driver.ts';
import type { Conversation } from './conversation.ts';
import {
  BUDGET,
  DEPOSIT_LINK,
  GREETING,
  GREETING_WITH_IDEA,
  HANDOVER_ACK,
  IDEA,
  OPT_OUT_CONFIRM,
  PLACEMENT,
  REFS,
  REVIEWING,
  SIZE,
  STYLE,
  STYLE_CHOICES,
  STYLE_PROMPT,
  STYLE_REPAIR,
  summary,
} from './prompts.ts';
import { testIso } from '../helpers/test-clock.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const FULL_SUMMARY = summary([
  'Idea: A fox on a branch',
  'Placement: left forearm',
  'Size: 10 x 15 cm',
  'Style: realism',
  'References: none',
  'Budget: £300.00',
]);

/** hi → …all six answers → PENDING_APPROVAL. */
async function qualify(c: Conversation): Promise<void> {
  for (const body of ['hi', 'A fox on a branch', 'left forearm', '10x15cm', 'realism', 'none', '£300']) {
    await c.text(body);
  }
  expect(await c.status()).toBe('PENDING_APPROVAL');
}

/** hi → idea, placement, size: the style question is next. */
async function toStyle(c: Conversation): Promise<void> {
  for (const body of ['hi', 'A fox', 'forearm', '10x15cm']) await c.text(body);
  await c.take();
}

/** The relay gave up on the latest effect of this type (retries exhausted): `effect.failed`. */
async function failedForGood(c: Conversation, effectType: string, reason: string): Promise<void> {
  await c.control({ type: 'effect.failed', outboxId: `ob_${effectType}`, effectType, reason });
}

/** The relay's answer when WhatsApp refused the latest free-form send: error 131047, window closed. */
async function refusedOutsideWindow(c: Conversation): Promise<void> {
  await c.control({
    type: 'message.send_failed',
    channel: 'whatsapp',
    recipientOptedOut: false,
    outboxId: 'ob_x',
    code: 131047,
    reason: 'Re-engagement message',
    outsideWindow: true,
  });
}

/** The lead taps a style's button: it is the answer, and the next question follows. */
async function tapStyle(c: Conversation, style: string): Promise<void> {
  await c.tap(`style:${style}`, style);
  expect(await c.take()).toEqual([
    ['in', style],
    ['out', REFS],
  ]);
  expect((await c.answers()).style).toBe(style);
}

/** The message most recently sent to the lead, as the relay gets it. */
async function lastSent(c: Conversation) {
  return (await c.effects('effect.message.send')).at(-1)?.message;
}

/**
 * START once Stripe reported the deposit link expired while the lead was opted out: DEPOSIT_EXPIRED and told
 * so (no dead link, and no need to ask Stripe: an expired session was never paid), nothing fires during
 * `quiet` afterwards, and a reply asks for a new link.
 */
async function startAfterLinkExpired(c: Conversation, quiet: number): Promise<void> {
  await c.text('START');
  expect(await c.status()).toBe('DEPOSIT_EXPIRED');
  expect(await c.effects('effect.deposit.check_session')).toHaveLength(0);
  await c.wait(quiet);
  expect(await c.take()).toEqual([
    ['in', 'START'],
    ['out', `${WELCOME_BACK}\n\n${DEPOSIT_EXPIRED}`],
  ]);
  await c.text('yes please, a new one');
  expect(await c.status()).toBe('AWAITING_DEPOSIT');
  expect(await c.effects('effect.deposit.create_checkout')).toHaveLength(2);
}

/**
 * A 24-hour deposit link, STOP an hour later, START 30 hours after that: the link's time ran out while the
 * lead was opted out (its timer cancelled), so START asks Stripe about the session before saying anything
 * about the deposit: the welcome and a holding line, no dead link. Returns the session id.
 */
async function startAfterLinkRanOut(c: Conversation): Promise<string> {
  await qualify(c);
  const session = await approve(c);
  await c.take();
  await c.wait(HOUR);
  await c.text('STOP');
  await c.wait(30 * HOUR);
  expect(await c.take()).toEqual([
    ['in', 'STOP'],
    ['out', OPT_OUT_CONFIRM],
  ]);
  // Nothing was asked while the lead was opted out: the opt-out cancelled the expiry.
  expect(await c.effects('effect.deposit.check_session')).toHaveLength(0);
  await c.text('START');
  expect(await c.status()).toBe('AWAITING_DEPOSIT');
  expect(await c.effects('effect.deposit.check_session')).toEqual([
    { type: 'effect.deposit.check_session', studioId: 'inkwell', sessionId: session },
  ]);
  expect(await c.take()).toEqual([
    ['in', 'START'],
    ['out', `${WELCOME_BACK}\n\n${CHECKING_PAYMENT}`],
  ]);
  return session;
}

/** Approve and let the relay's checkout come back. Returns the session id. */
async function approve(c: Conversation, sessionId = 'cs_test_1'): Promise<string> {
  await c.control({ type: 'artist.approve' });
  return approveCheckout(c, sessionId);
}

/** The relay's checkout for the latest create_checkout comes back. Returns the session id. */
async function approveCheckout(c: Conversation, sessionId: string): Promise<string> {
  const [checkout] = (await c.effects('effect.deposit.create_checkout')).slice(-1);
  expect(checkout).toBeDefined();
  await c.control({
    type: 'deposit.checkout_created',
    outboxId: `ob_${sessionId}`,
    sessionId,
    url: `https://checkout.stripe.test/${sessionId}`,
    expiresAt: checkout?.expiresAt,
  });
  return sessionId;
}

async function pay(c: Conversation, sessionId: string, eventId = `evt_${sessionId}`): Promise<void> {
  await c.control({
    type: 'stripe.checkout.completed',
    eventId,
    sessionId,
    paymentStatus: 'paid',
    amountTotal: 5000,
    currency: 'gbp',
  });
}

/**
 * The relay's answer to the latest `effect.deposit.check_session` (asked when the deposit's expiry is due):
 * the session as Stripe has it. `paid` is a payment whose webhook never arrived.
 */
async function sessionChecked(c: Conversation, paid: boolean): Promise<void> {
  const [check] = (await c.effects('effect.deposit.check_session')).slice(-1);
  expect(check).toBeDefined();
  await c.control({
    type: 'deposit.session_checked',
    outboxId: `ob_check_${c.now}`,
    sessionId: check?.sessionId,
    status: paid ? 'complete' : 'open',
    paymentStatus: paid ? 'paid' : 'unpaid',
    amountTotal: 5000,
    currency: 'gbp',
  });
}

/** The deposit's expiry is due: Stripe is asked about the session, nothing is said, and it was not paid. */
async function expiresUnpaid(c: Conversation): Promise<void> {
  expect(await c.status()).toBe('AWAITING_DEPOSIT');
  const [check] = (await c.effects('effect.deposit.check_session')).slice(-1);
  expect(check?.sessionId).toBeDefined();
  await sessionChecked(c, false);
  expect(await c.status()).toBe('DEPOSIT_EXPIRED');
}

/** The relay reserved the chosen slot. */
async function reserved(
  c: Conversation,
  reserve: { slotStart: string; slotEnd: string } | undefined,
  outboxId: string,
): Promise<void> {
  expect(reserve).toBeDefined();
  await c.control({
    type: 'booking.reserved',
    outboxId,
    slotStart: reserve?.slotStart,
    slotEnd: reserve?.slotEnd,
  });
}

/**
 * The relay's answer to the latest `effect.booking.load_taken`: the slots other leads have booked. Offers
 * wait for it. Checks the load asked for the offers' whole horizon from now.
 */
async function loadTaken(c: Conversation, takenSlots: string[] = []): Promise<void> {
  const [load] = (await c.effects('effect.booking.load_taken')).slice(-1);
  const from = new Date(c.now).toISOString();
  expect(load).toEqual({
    type: 'effect.booking.load_taken',
    studioId: 'inkwell',
    from,
    until: new Date(c.now + 57 * 24 * HOUR).toISOString(),
  });
  await c.control({ type: 'booking.taken_slots', outboxId: `ob_load_${from}`, takenSlots });
}

const offers = (...labels: string[]) => {
  const numbered = labels.map((l, i) => `${i + 1}. ${l}`);
  return withChoices(
    ['Please choose a time:', ...numbered, 'Reply with the number.'].join('\n'),
    numbered.map((title) => ({ title })),
  );
};
const OFFERS_9AM = offers('Mon 23 Nov, 10:00', 'Mon 23 Nov, 11:00', 'Mon 23 Nov, 12:00');
const CHECKING = "One moment, I'm checking which times are still free.";
const CHECKING_PAYMENT = "One moment, I'm checking your deposit payment.";
/** Offers made at the deposit's expiry, 24 hours after the approval. */
const OFFERS_TUE_9AM = offers('Tue 24 Nov, 10:00', 'Tue 24 Nov, 11:00', 'Tue 24 Nov, 12:00');
/** Offers made on START at 16:00 on Tuesday (the studio works Mondays and Tuesdays, 10:00-18:00). */
const OFFERS_TUE_4PM = offers('Tue 24 Nov, 17:00', 'Mon 30 Nov, 10:00', 'Mon 30 Nov, 11:00');
const WELCOME_BACK = "Welcome back, you're subscribed again.";
const DEPOSIT_EXPIRED = "Your deposit link has expired. Reply here if you'd like a new one.";

export const scenarios: Record<string, (c: Conversation) => Promise<void>> = {
  async 'happy path: six answers, summary, approval, deposit, slot, booked'(c) {
    await qualify(c);
    expect(await c.take()).toEqual([
      ['in', 'hi'],
      ['out', GREETING],
      ['in', 'A fox on a branch'],
      ['out', PLACEMENT],
      ['in', 'left forearm'],
      ['out', SIZE],
      ['in', '10x15cm'],
      ['out', STYLE],
      ['in', 'realism'],
      ['out', REFS],
      ['in', 'none'],
      ['out', BUDGET],
      ['in', '£300'],
      ['out', FULL_SUMMARY],
    ]);
    expect(await c.answers()).toEqual({
      idea: 'A fox on a branch',
      placement: 'left forearm',
      dimensions: { widthCm: 10, heightCm: 15 },
      style: 'realism',
      reference_images: { mediaIds: [], description: null, none: true },
      budget: { amountMinor: 30000, currency: 'GBP' },
    });
    const [notify] = await c.effects('effect.artist.notify');
    expect(notify).toMatchObject({ reason: 'approval', withActionLinks: true, artistId: 'sam' });

    const session = await approve(c);
    const [checkout] = await c.effects('effect.deposit.create_checkout');
    expect(checkout).toMatchObject({
      amount: 5000,
      currency: 'GBP',
      expiresAt: testIso('2026-11-24T09:00:00.000Z'),
    });
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
    await loadTaken(c);
    await c.text('2');
    const [reserve] = await c.effects('effect.booking.reserve');
    expect(reserve).toMatchObject({
      slotStart: testIso('2026-11-23T11:00:00.000Z'),
      slotEnd: testIso('2026-11-23T12:00:00.000Z'),
    });
    await reserved(c, reserve, 'ob_r1');
    expect(await c.status()).toBe('BOOKED');
    expect(await c.take()).toEqual([
      ['out', DEPOSIT_LINK('https://checkout.stripe.test/cs_test_1')],
      ['out', `Deposit received, thank you!\n${OFFERS_9AM}`],
      ['in', '2'],
      ['out', "You're booked for Mon 23 Nov, 11:00 at Inkwell Tattoo. See you then!"],
    ]);
    expect((await c.effects('effect.artist.notify')).map((n) => n.reason)).toEqual(['approval', 'booked']);
  },

  async 'a first message with the idea in it is the idea: greeted and asked the next question'(c) {
    for (const body of ['I want a tattoo of a koi fish', 'left forearm', '10x15cm']) await c.text(body);
    expect(await c.take()).toEqual([
      ['in', 'I want a tattoo of a koi fish'],
      ['out', GREETING_WITH_IDEA],
      ['in', 'left forearm'],
      ['out', SIZE],
      ['in', '10x15cm'],
      ['out', STYLE],
    ]);
    expect(await c.answers()).toEqual({
      idea: 'I want a tattoo of a koi fish',
      placement: 'left forearm',
      dimensions: { widthCm: 10, heightCm: 15 },
    });
  },

  async 'a greeting or generic enquiry first: greeted and asked the idea'(c) {
    await c.text('hi, are you taking bookings?');
    await c.text('A koi fish');
    expect(await c.take()).toEqual([
      ['in', 'hi, are you taking bookings?'],
      ['out', GREETING],
      ['in', 'A koi fish'],
      ['out', PLACEMENT],
    ]);
    expect(await c.answers()).toEqual({ idea: 'A koi fish' });
  },

  async 'STOP as the first message opts out; nothing is greeted'(c) {
    await c.text('STOP');
    expect(await c.status()).toBe('OPTED_OUT');
    expect(await c.take()).toEqual([
      ['in', 'STOP'],
      ['out', OPT_OUT_CONFIRM],
    ]);
  },

  async 'repair once, then a human (NEEDS_HUMAN, artist notified)'(c) {
    await c.text('hi');
    await c.text('A fox');
    await c.text('forearm');
    await c.take();
    await c.text('quite big really');
    await c.text('not sure, big');
    expect(await c.take()).toEqual([
      ['in', 'quite big really'],
      ['out', "Sorry, I didn't catch the size. Please give width x height, for example 10x15cm or 4x6in."],
      ['in', 'not sure, big'],
      ['out', "Sorry, I'm having trouble with that one. I've asked the artist to help you personally."],
    ]);
    expect(await c.status()).toBe('NEEDS_HUMAN');
    expect((await c.effects('effect.artist.notify')).map((n) => n.reason)).toEqual(['needs_human']);
  },

  async 'handover: one acknowledgement, silence during the cooldown, then resume at the question'(c) {
    await c.text('hi');
    await c.text('A fox');
    await c.text('forearm');
    await c.take();
    await c.text('can I talk to a human please');
    expect(await c.status()).toBe('NEEDS_HUMAN');
    await c.wait(HOUR);
    await c.text('hello?');
    await c.image('media-during-handover');
    await c.wait(5 * HOUR);
    expect(await c.status()).toBe('QUALIFYING');
    await c.text('ok I am back');
    await c.text('10x15cm');
    expect(await c.take()).toEqual([
      ['in', 'can I talk to a human please'],
      ['out', HANDOVER_ACK],
      ['in', 'hello?'],
      ['in', '[image]'],
      ['in', 'ok I am back'],
      ['out', `Thanks! Picking up where we left off.\n\n${SIZE}`],
      ['in', '10x15cm'],
      ['out', STYLE],
    ]);
    expect((await c.effects('effect.artist.notify')).map((n) => n.reason)).toEqual(['handover']);
    expect((await c.effects('effect.media.store')).map((m) => m.purpose)).toEqual(['attachment']);
  },

  async 'handover.end lets the bot resume before the cooldown'(c) {
    await c.text('hi');
    await c.text('speak to the artist');
    await c.control({ type: 'handover.end' });
    expect(await c.status()).toBe('QUALIFYING');
    await c.take();
    await c.text('thanks');
    expect(await c.take()).toEqual([
      ['in', 'thanks'],
      ['out', `Thanks! Picking up where we left off.\n\n${IDEA}`],
    ]);
  },

  async 'the artist approves during a handover and the lead pays: nothing is lost'(c) {
    await qualify(c);
    await c.text('can I speak to the artist');
    expect(await c.status()).toBe('NEEDS_HUMAN');
    await c.take();
    const session = await approve(c);
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    await c.text('talk to a human again please');
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
    await loadTaken(c);
    expect(await c.take()).toEqual([
      ['out', DEPOSIT_LINK('https://checkout.stripe.test/cs_test_1')],
      ['in', 'talk to a human again please'],
      ['out', HANDOVER_ACK],
      ['out', `Deposit received, thank you!\n${OFFERS_9AM}`],
    ]);
  },

  async 'media at the wrong step is kept, acknowledged and the question asked again'(c) {
    await c.text('hi');
    await c.text('A fox');
    await c.take();
    await c.image('media-1', 'like this');
    expect(await c.take()).toEqual([
      ['in', '[image]'],
      ['out', `Thanks, we've kept that with your enquiry.\n\n${PLACEMENT}`],
    ]);
    expect(await c.answers()).toEqual({ idea: 'A fox' });
    const [stored] = await c.effects('effect.media.store');
    expect(stored).toMatchObject({ mediaId: 'media-1', purpose: 'attachment' });
  },

  async 'several answers in one message: asked one at a time, then answered one by one'(c) {
    for (const body of ['hi', 'A fox', 'forearm']) await c.text(body);
    await c.take();
    await c.text('10x15cm, realism, £300');
    await c.text('10x15cm');
    await c.text('realism');
    expect(await c.take()).toEqual([
      ['in', '10x15cm, realism, £300'],
      ['out', `Thanks! Let's take it one question at a time, please.\n\n${SIZE}`],
      ['in', '10x15cm'],
      ['out', STYLE],
      ['in', 'realism'],
      ['out', REFS],
    ]);
    expect(await c.answers()).toMatchObject({ dimensions: { widthCm: 10, heightCm: 15 }, style: 'realism' });
  },

  async '10x15cm is accepted and advances to style'(c) {
    for (const body of ['hi', 'A fox', 'forearm']) await c.text(body);
    await c.take();
    await c.text('10x15cm');
    expect(await c.take()).toEqual([
      ['in', '10x15cm'],
      ['out', STYLE],
    ]);
    expect((await c.answers()).dimensions).toEqual({ widthCm: 10, heightCm: 15 });
  },

  async 'a reference description is accepted and advances to budget'(c) {
    for (const body of ['hi', 'A fox', 'forearm', '10x15cm', 'realism']) await c.text(body);
    await c.take();
    await c.text("my grandad's pocket watch, the one with roman numerals");
    expect(await c.take()).toEqual([
      ['in', "my grandad's pocket watch, the one with roman numerals"],
      ['out', BUDGET],
    ]);
    expect((await c.answers()).reference_images).toEqual({
      mediaIds: [],
      description: "my grandad's pocket watch, the one with roman numerals",
      none: false,
    });
  },

  async 'reference photos are the answer; the rest of an album joins them without another question'(c) {
    for (const body of ['hi', 'A fox', 'forearm', '10x15cm', 'realism']) await c.text(body);
    await c.take();
    await c.image('media-ref-1');
    await c.image('media-ref-2');
    await c.image('media-ref-3');
    expect(await c.take()).toEqual([
      ['in', '[image]'],
      ['out', BUDGET],
      ['in', '[image]'],
      ['in', '[image]'],
    ]);
    expect((await c.answers()).reference_images).toEqual({
      mediaIds: ['media-ref-1', 'media-ref-2', 'media-ref-3'],
      description: null,
      none: false,
    });
    expect((await c.effects('effect.media.store')).map((m) => m.purpose)).toEqual([
      'reference',
      'reference',
      'reference',
    ]);
    await c.text('£300');
    expect(await c.status()).toBe('PENDING_APPROVAL');
    await c.image('media-late');
    expect((await c.effects('effect.media.store')).map((m) => m.purpose).at(-1)).toBe('attachment');
  },

  async 'restart clears the answers; the summary holds the new ones'(c) {
    for (const body of ['hi', 'A fox', 'forearm']) await c.text(body);
    await c.take();
    await c.text('start over');
    expect(await c.take()).toEqual([
      ['in', 'start over'],
      ['out', `No problem, let's start again.\n\n${IDEA}`],
    ]);
    expect(await c.answers()).toEqual({});
    for (const body of ['A wolf', 'calf', '4x6in', 'blackwork', 'none', '$250-400']) await c.text(body);
    const lines = await c.take();
    expect(lines.at(-1)).toEqual([
      'out',
      summary([
        'Idea: A wolf',
        'Placement: calf',
        'Size: 10.2 x 15.2 cm',
        'Style: blackwork',
        'References: none',
        'Budget: US$250.00–US$400.00',
      ]),
    ]);
  },

  async 'opt-out: one confirmation, nothing else sent until START'(c) {
    for (const body of ['hi', 'A fox']) await c.text(body);
    await c.take();
    await c.text('STOP');
    expect(await c.status()).toBe('OPTED_OUT');
    await c.control({ type: 'message.send', text: 'Are you still there?' });
    await c.text('hello');
    await c.wait(4 * 24 * HOUR);
    await c.control({ type: 'lead.reset' });
    expect(await c.status()).toBe('OPTED_OUT');
    await c.text('START');
    expect(await c.take()).toEqual([
      ['in', 'STOP'],
      ['out', OPT_OUT_CONFIRM],
      ['in', 'hello'],
      ['in', 'START'],
      ['out', `Welcome back, you're subscribed again.\n\n${PLACEMENT}`],
    ]);
    expect(await c.status()).toBe('QUALIFYING');
    expect(await c.systemEvents()).toContain('message.suppressed_opted_out');
  },

  async 'an approval while opted out is kept silently and applied on START'(c) {
    await qualify(c);
    await c.take();
    await c.text('STOP');
    await c.control({ type: 'artist.approve' });
    expect(await c.status()).toBe('OPTED_OUT');
    expect(await c.effects('effect.deposit.create_checkout')).toHaveLength(0);
    await c.text('START');
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    const session = await approveCheckout(c, 'cs_after_start');
    expect(await c.take()).toEqual([
      ['in', 'STOP'],
      ['out', OPT_OUT_CONFIRM],
      ['in', 'START'],
      ['out', "Welcome back, you're subscribed again."],
      ['out', DEPOSIT_LINK('https://checkout.stripe.test/cs_after_start')],
    ]);
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
  },

  async 'approved and marked paid while opted out: START goes straight to slot booking'(c) {
    await qualify(c);
    await c.text('STOP');
    await c.control({ type: 'artist.approve' });
    await c.control({ type: 'deposit.mark_paid' });
    expect(await c.status()).toBe('OPTED_OUT');
    await c.text('START');
    expect(await c.status()).toBe('BOOKING');
    expect(await c.effects('effect.deposit.create_checkout')).toHaveLength(0);
    expect(await c.systemEvents()).toContain('deposit.paid_while_opted_out');
  },

  async 'a rejection while opted out is kept silently; START brings the decline'(c) {
    await qualify(c);
    await c.take();
    await c.text('STOP');
    await c.control({ type: 'artist.reject', reason: 'not my style' });
    expect(await c.status()).toBe('OPTED_OUT');
    await c.text('START');
    expect(await c.status()).toBe('REJECTED');
    expect(await c.take()).toEqual([
      ['in', 'STOP'],
      ['out', OPT_OUT_CONFIRM],
      ['in', 'START'],
      [
        'out',
        "Welcome back, you're subscribed again.\n\nThank you for your enquiry. Unfortunately Inkwell Tattoo can't take this one on, but we wish you the best with your tattoo.",
      ],
    ]);
  },

  async 'opted out with a deposit link open: START sends it again; it still expires at its original time'(c) {
    await qualify(c);
    await approve(c);
    await c.take();
    await c.wait(2 * HOUR);
    await c.text('STOP');
    await c.wait(3 * HOUR);
    await c.text('START');
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    // Approved at 09:00 with a 24-hour link: it expires at 09:00 next day, not 24 hours after START.
    await c.wait(18 * HOUR + 59 * MINUTE);
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    expect(await c.effects('effect.deposit.check_session')).toHaveLength(0);
    await c.wait(MINUTE);
    await expiresUnpaid(c);
    expect(await c.take()).toEqual([
      ['in', 'STOP'],
      ['out', OPT_OUT_CONFIRM],
      ['in', 'START'],
      ['out', WELCOME_BACK],
      ['out', DEPOSIT_LINK('https://checkout.stripe.test/cs_test_1')],
      ['out', DEPOSIT_EXPIRED],
    ]);
  },

  async 'START after the deposit link ran out while opted out: Stripe is asked first; not paid, DEPOSIT_EXPIRED and told'(
    c,
  ) {
    await startAfterLinkRanOut(c);
    await expiresUnpaid(c);
    expect(await c.systemEvents()).not.toContain('stripe.payment_reconciled');
    // Nothing else is due: no expiry fires a second time.
    await c.wait(HOUR);
    expect(await c.take()).toEqual([['out', DEPOSIT_EXPIRED]]);
    expect(await c.effects('effect.deposit.check_session')).toHaveLength(1);
    await c.text('yes please, a new one');
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    expect(await c.effects('effect.deposit.create_checkout')).toHaveLength(2);
  },

  async 'paid, webhook lost, STOP, then START after the link ran out: Stripe says paid, the lead is booked'(
    c,
  ) {
    const session = await startAfterLinkRanOut(c);
    // The lead writes while Stripe is asked: the holding line again, never the dead link.
    await c.text('hello?');
    await sessionChecked(c, true);
    expect(await c.status()).toBe('BOOKING');
    expect(await c.systemEvents()).toContain('stripe.payment_reconciled');
    expect(await c.systemEvents()).not.toContain('deposit.paid_while_opted_out');
    await loadTaken(c);
    expect(await c.take()).toEqual([
      ['in', 'hello?'],
      ['out', CHECKING_PAYMENT],
      ['out', `Deposit received, thank you!\n${OFFERS_TUE_4PM}`],
    ]);
    // The webhook turns up after all: the deposit is not applied twice.
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
    expect(await c.effects('effect.booking.load_taken')).toHaveLength(1);
    expect(await c.take()).toEqual([]);
    await c.text('1');
    expect(await c.effects('effect.booking.reserve')).toHaveLength(1);
  },

  async 'a checkout made while opted out is kept: START sends its link, and it expires on time'(c) {
    await qualify(c);
    await c.control({ type: 'artist.approve' });
    await c.text('STOP');
    // The relay's checkout for the approval comes back after STOP: nothing is sent.
    await approveCheckout(c, 'cs_while_away');
    expect(await c.status()).toBe('OPTED_OUT');
    await c.take();
    await c.wait(HOUR);
    await c.text('START');
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    expect(await c.take()).toEqual([
      ['in', 'START'],
      ['out', WELCOME_BACK],
      ['out', DEPOSIT_LINK('https://checkout.stripe.test/cs_while_away')],
    ]);
    await c.wait(23 * HOUR);
    await expiresUnpaid(c);
    expect(await c.take()).toEqual([['out', DEPOSIT_EXPIRED]]);
  },

  async 'the checkout of an approval made while opted out expires as usual'(c) {
    await qualify(c);
    await c.text('STOP');
    await c.control({ type: 'artist.approve' });
    await c.wait(2 * HOUR);
    await c.text('START');
    await approveCheckout(c, 'cs_after_start');
    const [checkout] = await c.effects('effect.deposit.create_checkout');
    expect(checkout?.expiresAt).toBe(testIso('2026-11-24T11:00:00.000Z'));
    await c.take();
    await c.wait(24 * HOUR - MINUTE);
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    await c.wait(MINUTE);
    await expiresUnpaid(c);
    // 24 hours after START the window has closed: the deposit template tells the lead.
    expect(await c.take()).toEqual([['out', '[template leadline_deposit]']]);
  },

  async 'Stripe expires the link while the lead is opted out: START says so instead of sending it'(c) {
    await qualify(c);
    const session = await approve(c);
    await c.take();
    await c.text('STOP');
    await c.wait(HOUR);
    // Expired early (e.g. by hand in Stripe's dashboard), long before the link's own expiry: nothing is sent.
    await c.control({ type: 'stripe.checkout.expired', eventId: 'evt_expired', sessionId: session });
    expect(await c.status()).toBe('OPTED_OUT');
    expect(await c.systemEvents()).toContain('deposit.expired_while_opted_out');
    expect(await c.take()).toEqual([
      ['in', 'STOP'],
      ['out', OPT_OUT_CONFIRM],
    ]);
    await c.wait(HOUR);
    // Nothing is due at the link's own expiry either (a day later).
    await startAfterLinkExpired(c, 24 * HOUR);
  },

  async 'a checkout that failed for good while opted out: the artist is told, START requests a new one'(c) {
    await qualify(c);
    await c.control({ type: 'artist.approve' });
    await c.text('STOP');
    await c.take();
    await failedForGood(c, 'effect.deposit.create_checkout', 'Stripe unavailable');
    expect(await c.status()).toBe('OPTED_OUT');
    expect(await c.take()).toEqual([]);
    const notices = await c.effects('effect.artist.notify');
    expect(notices.map((n) => n.reason)).toEqual(['approval', 'info']);
    expect(notices.at(-1)?.text).toMatch(
      /^The deposit checkout for Alex \(\+\d+\) could not be created \(Stripe unavailable\)\. They have opted out of messages; a new checkout will be requested if they reply START\.$/,
    );
    expect(await c.systemEvents()).toContain('lead.effect_failed');
    await c.wait(HOUR);
    await c.text('START');
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    expect(await c.effects('effect.deposit.create_checkout')).toHaveLength(2);
    const session = await approveCheckout(c, 'cs_after_failure');
    expect(await c.take()).toEqual([
      ['in', 'START'],
      ['out', WELCOME_BACK],
      ['out', DEPOSIT_LINK('https://checkout.stripe.test/cs_after_failure')],
    ]);
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
  },

  async 'a handover cut short by STOP ends on START: the bot answers and watches for silence again'(c) {
    for (const body of ['hi', 'A fox', 'can I talk to someone']) await c.text(body);
    expect(await c.status()).toBe('NEEDS_HUMAN');
    await c.take();
    await c.wait(HOUR);
    await c.text('STOP');
    await c.wait(HOUR);
    await c.text('START');
    expect(await c.status()).toBe('QUALIFYING');
    // The cooldown (6h from the handover) is not re-armed: nothing happens when it would have ended.
    await c.wait(6 * HOUR);
    expect(await c.take()).toEqual([
      ['in', 'STOP'],
      ['out', OPT_OUT_CONFIRM],
      ['in', 'START'],
      ['out', `${WELCOME_BACK}\n\n${PLACEMENT}`],
    ]);
    // Silence is watched from START (rule 7): the reminder 12 hours later, STALE after 3 days.
    await c.wait(6 * HOUR);
    expect(await c.take()).toEqual([['out', `Just checking in!\n\n${PLACEMENT}`]]);
    await c.wait(60 * HOUR);
    expect(await c.status()).toBe('STALE');
  },

  async 'quiet lead: one reminder, STALE, then resumes where they were'(c) {
    for (const body of ['hi', 'A fox', 'forearm', '10x15cm']) await c.text(body);
    await c.take();
    await c.wait(12 * HOUR);
    expect(await c.take()).toEqual([['out', `Just checking in!\n\n${STYLE}`]]);
    await c.wait(24 * HOUR);
    expect(await c.take()).toEqual([]);
    await c.wait(36 * HOUR);
    expect(await c.status()).toBe('STALE');
    await c.wait(48 * HOUR);
    await c.text('sorry, been busy!');
    expect(await c.status()).toBe('QUALIFYING');
    await c.text('fine line');
    expect(await c.take()).toEqual([
      ['in', 'sorry, been busy!'],
      ['out', `Welcome back!\n\n${STYLE}`],
      ['in', 'fine line'],
      ['out', REFS],
    ]);
  },

  async 'the style question comes with a button per style; tapping one answers it'(c) {
    await toStyle(c);
    expect(await lastSent(c)).toEqual({ kind: 'interactive', body: STYLE_PROMPT, options: STYLE_CHOICES });
    await tapStyle(c, 'fine line');
  },

  async 'a style that is not offered gets the repair with the same buttons; a tap then answers'(c) {
    await toStyle(c);
    await c.text('something bold');
    await c.tap('style:blackwork', 'blackwork');
    expect(await c.take()).toEqual([
      ['in', 'something bold'],
      ['out', STYLE_REPAIR],
      ['in', 'blackwork'],
      ['out', REFS],
    ]);
    expect((await c.answers()).style).toBe('blackwork');
  },

  async 'the style question asked again keeps its buttons: after a handover, START and a closed window'(c) {
    await toStyle(c);
    await c.text('can I talk to a human');
    await c.control({ type: 'handover.end' });
    await c.text('ok');
    await c.text('STOP');
    await c.text('START');
    // The provider refuses the welcome back (131047): a template now, the same message on the reply.
    await refusedOutsideWindow(c);
    await c.text('hello?');
    expect(await c.take()).toEqual([
      ['in', 'can I talk to a human'],
      ['out', HANDOVER_ACK],
      ['in', 'ok'],
      ['out', `Thanks! Picking up where we left off.\n\n${STYLE}`],
      ['in', 'STOP'],
      ['out', OPT_OUT_CONFIRM],
      ['in', 'START'],
      ['out', `${WELCOME_BACK}\n\n${STYLE}`],
      ['out', '[template leadline_resume]'],
      ['in', 'hello?'],
      ['out', `${WELCOME_BACK}\n\n${STYLE}`],
    ]);
    expect(await lastSent(c)).toMatchObject({ kind: 'interactive', options: STYLE_CHOICES });
    await tapStyle(c, 'realism');
  },

  async 'a tap on an earlier style button at a later question is not taken as its answer'(c) {
    await toStyle(c);
    await c.tap('style:realism', 'realism');
    await c.tap('style:blackwork', 'blackwork');
    expect(await c.take()).toEqual([
      ['in', 'realism'],
      ['out', REFS],
      ['in', 'blackwork'],
      ['out', 'Please send one or more photos, describe your references in a few words, or say none.'],
    ]);
    expect(await c.answers()).toMatchObject({ style: 'realism' });
    expect((await c.answers()).reference_images).toBeUndefined();
  },

  async 'outside the 24-hour window: a template, then the content when the lead replies'(c) {
    await qualify(c);
    await c.take();
    await c.wait(30 * HOUR);
    await approve(c);
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    expect(await c.take()).toEqual([['out', '[template leadline_deposit]']]);
    await c.text('hi, saw your message');
    expect(await c.take()).toEqual([
      ['in', 'hi, saw your message'],
      ['out', DEPOSIT_LINK('https://checkout.stripe.test/cs_test_1')],
    ]);
  },

  async 'the window is measured from the provider timestamp, and a 131047 failure holds content back'(c) {
    // Delivered late: the provider stamped it 25 hours ago, so the window is already closed.
    await c.textSentAgo('hi', 25 * HOUR);
    expect(await c.take()).toEqual([
      ['in', 'hi'],
      ['out', '[template leadline_resume]'],
    ]);
    await c.text('hello again');
    await c.text('A fox');
    expect(await c.take()).toEqual([
      ['in', 'hello again'],
      ['out', GREETING],
      ['in', 'A fox'],
      ['out', PLACEMENT],
    ]);
    // The provider refuses the free-form question (131047): a template now, the question on the reply.
    await refusedOutsideWindow(c);
    await c.text('sorry?');
    expect(await c.take()).toEqual([
      ['out', '[template leadline_resume]'],
      ['in', 'sorry?'],
      ['out', PLACEMENT],
    ]);
    expect(await c.answers()).toEqual({ idea: 'A fox' });
  },

  async 'deposit: a mismatched session changes nothing, duplicates are harmless'(c) {
    await qualify(c);
    const session = await approve(c);
    await c.take();
    await pay(c, 'cs_someone_else');
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    expect(await c.take()).toEqual([]);
    expect(await c.systemEvents()).toContain('stripe.session_id_mismatch');
    await pay(c, session, 'evt_1');
    await pay(c, session, 'evt_1_again');
    expect(await c.status()).toBe('BOOKING');
    expect(await c.effects('effect.booking.load_taken')).toHaveLength(1);
    await loadTaken(c);
    expect(await c.take()).toEqual([['out', `Deposit received, thank you!\n${OFFERS_9AM}`]]);
  },

  async 'deposit: an unpaid link expires once Stripe says so, the lead is told and can ask for a new one'(c) {
    await qualify(c);
    await c.wait(2 * HOUR);
    await c.text('any news?');
    const session = await approve(c);
    await c.take();
    await c.wait(24 * HOUR);
    // Due: Stripe is asked about the session before the lead hears anything.
    expect(await c.effects('effect.deposit.check_session')).toEqual([
      { type: 'effect.deposit.check_session', studioId: 'inkwell', sessionId: session },
    ]);
    expect(await c.take()).toEqual([]);
    await expiresUnpaid(c);
    expect(await c.systemEvents()).not.toContain('stripe.payment_reconciled');
    // 24 hours after the lead's last message the window has closed: the deposit template goes instead.
    expect(await c.take()).toEqual([['out', '[template leadline_deposit]']]);
    await c.text('yes please, a new one');
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    expect(await c.effects('effect.deposit.create_checkout')).toHaveLength(2);
    expect(await c.take()).toEqual([
      ['in', 'yes please, a new one'],
      ['out', 'No problem, a new deposit link is on its way.'],
    ]);
  },

  async 'a missed webhook: at the expiry Stripe says the deposit was paid, and the lead gets the offers'(c) {
    await qualify(c);
    const session = await approve(c);
    await c.take();
    await c.wait(20 * HOUR);
    // The lead paid, but checkout.session.completed never reached us.
    await c.text('I paid, did it go through?');
    await c.wait(4 * HOUR);
    expect(await c.effects('effect.deposit.check_session')).toEqual([
      { type: 'effect.deposit.check_session', studioId: 'inkwell', sessionId: session },
    ]);
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    await sessionChecked(c, true);
    expect(await c.status()).toBe('BOOKING');
    expect(await c.systemEvents()).toContain('stripe.payment_reconciled');
    await loadTaken(c);
    expect(await c.take()).toEqual([
      ['in', 'I paid, did it go through?'],
      ['out', DEPOSIT_LINK(`https://checkout.stripe.test/${session}`)],
      ['out', `Deposit received, thank you!\n${OFFERS_TUE_9AM}`],
    ]);
    // The webhook turns up after all (Stripe retries for days): the deposit is not applied twice.
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
    expect(await c.effects('effect.booking.load_taken')).toHaveLength(1);
    expect(await c.take()).toEqual([]);
  },

  async 'Stripe cannot be asked at the expiry: the link expires as before, the failed check recorded; a late webhook still pays'(
    c,
  ) {
    await qualify(c);
    const session = await approve(c);
    await c.take();
    await c.wait(24 * HOUR);
    await failedForGood(c, 'effect.deposit.check_session', 'Stripe unavailable');
    expect(await c.status()).toBe('DEPOSIT_EXPIRED');
    expect(await c.systemEvents()).toEqual(
      expect.arrayContaining(['lead.effect_failed', 'deposit.session_check_failed']),
    );
    // 24 hours after the lead's last message the window has closed: the deposit template goes instead.
    expect(await c.take()).toEqual([['out', '[template leadline_deposit]']]);
    // The lead had paid; the webhook arrives once Stripe's deliveries get through again: BOOKING.
    await c.wait(HOUR);
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
    expect(await c.systemEvents()).not.toContain('stripe.payment_reconciled');
    expect(await c.effects('effect.booking.load_taken')).toHaveLength(1);
  },

  async 'the webhook arrives while Stripe is being asked: it pays, and the answer that follows is ignored'(
    c,
  ) {
    await qualify(c);
    const session = await approve(c);
    await c.take();
    await c.wait(24 * HOUR);
    expect(await c.effects('effect.deposit.check_session')).toHaveLength(1);
    // The lead writes meanwhile: a holding reply, not the link that has just run out.
    await c.text('hello?');
    expect(await c.status()).toBe('AWAITING_DEPOSIT');
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
    await sessionChecked(c, true);
    expect(await c.status()).toBe('BOOKING');
    expect(await c.systemEvents()).not.toContain('stripe.payment_reconciled');
    expect(await c.effects('effect.booking.load_taken')).toHaveLength(1);
    await loadTaken(c);
    expect(await c.take()).toEqual([
      ['in', 'hello?'],
      ['out', CHECKING_PAYMENT],
      ['out', `Deposit received, thank you!\n${OFFERS_TUE_9AM}`],
    ]);
  },

  async 'a checkout that could not be created: the artist is told, approving again retries'(c) {
    await qualify(c);
    await c.control({ type: 'artist.approve' });
    await failedForGood(c, 'effect.deposit.create_checkout', 'Stripe unavailable');
    expect((await c.effects('effect.artist.notify')).map((n) => n.reason)).toEqual(['approval', 'info']);
    const session = await approve(c, 'cs_retry');
    expect(await c.effects('effect.deposit.create_checkout')).toHaveLength(2);
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
  },

  async 'deposit.mark_paid (admin) also pays'(c) {
    await qualify(c);
    await approve(c);
    await c.control({ type: 'deposit.mark_paid' });
    expect(await c.status()).toBe('BOOKING');
  },

  async 'artist rejects: a polite decline'(c) {
    await qualify(c);
    await c.take();
    await c.control({ type: 'artist.reject', reason: 'not my style' });
    expect(await c.status()).toBe('REJECTED');
    expect(await c.take()).toEqual([
      [
        'out',
        "Thank you for your enquiry. Unfortunately Inkwell Tattoo can't take this one on, but we wish you the best with your tattoo.",
      ],
    ]);
  },

  async 'pending approval: the lead is told the artist is reviewing'(c) {
    await qualify(c);
    await c.take();
    await c.text('any update?');
    expect(await c.take()).toEqual([
      ['in', 'any update?'],
      ['out', REVIEWING],
    ]);
  },

  async 'a slot taken meanwhile: system event and fresh offers without it'(c) {
    await qualify(c);
    await pay(c, await approve(c));
    await loadTaken(c);
    await c.take();
    await c.text('1');
    const [first] = await c.effects('effect.booking.reserve');
    expect(first?.slotStart).toBe(testIso('2026-11-23T10:00:00.000Z'));
    await c.control({
      type: 'booking.slot_unavailable',
      outboxId: 'ob_r1',
      slotStart: first?.slotStart,
      takenSlots: [testIso('2026-11-23T10:00:00.000Z'), testIso('2026-11-23T12:00:00.000Z')],
    });
    expect(await c.systemEvents()).toContain('slot.unavailable_after_selection');
    await c.text('2');
    const [, second] = await c.effects('effect.booking.reserve');
    expect(second?.slotStart).toBe(testIso('2026-11-23T13:00:00.000Z'));
    await reserved(c, second, 'ob_r2');
    expect(await c.status()).toBe('BOOKED');
    expect(await c.take()).toEqual([
      ['in', '1'],
      [
        'out',
        `Sorry, that time was just taken. ${offers('Mon 23 Nov, 11:00', 'Mon 23 Nov, 13:00', 'Mon 23 Nov, 14:00')}`,
      ],
      ['in', '2'],
      ['out', "You're booked for Mon 23 Nov, 13:00 at Inkwell Tattoo. See you then!"],
    ]);
  },
  async 'first offers leave out the slots other leads have booked'(c) {
    await qualify(c);
    const session = await approve(c);
    await c.take();
    await pay(c, session);
    expect(await c.status()).toBe('BOOKING');
    // Nothing yet: the offers wait for the studio's bookings.
    expect(await c.take()).toEqual([]);
    await loadTaken(c, [testIso('2026-11-23T10:00:00.000Z'), testIso('2026-11-23T12:00:00.000Z')]);
    expect(await c.take()).toEqual([
      [
        'out',
        `Deposit received, thank you!\n${offers('Mon 23 Nov, 11:00', 'Mon 23 Nov, 13:00', 'Mon 23 Nov, 14:00')}`,
      ],
    ]);
    await c.text('1');
    const [reserve] = await c.effects('effect.booking.reserve');
    expect(reserve?.slotStart).toBe(testIso('2026-11-23T11:00:00.000Z'));
  },

  async 'a message while the offers load gets a holding reply; the offers follow'(c) {
    await qualify(c);
    await pay(c, await approve(c));
    await c.take();
    await c.text('1');
    expect(await c.effects('effect.booking.reserve')).toHaveLength(0);
    await loadTaken(c);
    await c.text('1');
    expect(await c.take()).toEqual([
      ['in', '1'],
      ['out', CHECKING],
      ['out', `Deposit received, thank you!\n${OFFERS_9AM}`],
      ['in', '1'],
    ]);
    const [reserve] = await c.effects('effect.booking.reserve');
    expect(reserve?.slotStart).toBe(testIso('2026-11-23T10:00:00.000Z'));
  },

  async 'the booked slots cannot be loaded: the offers go out without them'(c) {
    await qualify(c);
    await pay(c, await approve(c));
    await c.take();
    await failedForGood(c, 'effect.booking.load_taken', 'database unavailable');
    expect(await c.take()).toEqual([['out', `Deposit received, thank you!\n${OFFERS_9AM}`]]);
    expect(await c.systemEvents()).toContain('lead.effect_failed');
    expect(await c.status()).toBe('BOOKING');
  },

  async 'the reminder loads the bookings made meanwhile before offering again'(c) {
    await qualify(c);
    await pay(c, await approve(c));
    await loadTaken(c);
    await c.take();
    await c.wait(12 * HOUR);
    expect(await c.take()).toEqual([]);
    expect(await c.effects('effect.booking.load_taken')).toHaveLength(2);
    await loadTaken(c, [testIso('2026-11-24T10:00:00.000Z')]);
    expect(await c.take()).toEqual([
      ['out', `Just checking in! ${offers('Tue 24 Nov, 11:00', 'Tue 24 Nov, 12:00', 'Tue 24 Nov, 13:00')}`],
    ]);
  },

  async 'back in BOOKING after a handover: offers reload; a pick from the earlier ones meanwhile counts'(c) {
    await qualify(c);
    await pay(c, await approve(c));
    await loadTaken(c);
    await c.text('can I talk to someone');
    await c.control({ type: 'handover.end' });
    expect(await c.status()).toBe('BOOKING');
    await c.take();
    await c.text('back again');
    expect(await c.effects('effect.booking.load_taken')).toHaveLength(2);
    await c.text('2');
    const [reserve] = await c.effects('effect.booking.reserve');
    expect(reserve?.slotStart).toBe(testIso('2026-11-23T11:00:00.000Z'));
    // The lead's pick is being confirmed: the reloaded offers are not sent over it.
    await loadTaken(c, [testIso('2026-11-23T12:00:00.000Z')]);
    await reserved(c, reserve, 'ob_r1');
    expect(await c.status()).toBe('BOOKED');
    expect(await c.take()).toEqual([
      ['in', 'back again'],
      ['in', '2'],
      ['out', "You're booked for Mon 23 Nov, 11:00 at Inkwell Tattoo. See you then!"],
    ]);
  },
};
