// An artist's reply to the studio number: recorded (never a lead), opens the artist's window, and an
// "approve"/"reject" acts on the request it answers once, sharing the action link's single use.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { artistDecision, recordArtistMessage } from '../../src/effects/action-links/artist-reply.ts';
import { useActionLink } from '../../src/effects/action-links/use-action-link.ts';
import { artistWindowOpen } from '../../src/effects/handlers/artist-notify.ts';
import {
  ACTION_LINK_SECRET,
  LEAD,
  PUBLIC_BASE_URL,
  startEffectsHarness,
  studio,
  type EffectsHarness,
} from './effects-harness.ts';

const artist = studio.artists[0]!;
let h: EffectsHarness;
let seq = 0;

beforeAll(async () => {
  h = await startEffectsHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  for (const table of ['outbox', 'inbox', 'action_tokens', 'artist_messages', 'leads'] as const)
    await h.db.deleteFrom(table).execute();
  h.graph.sends.length = 0;
  await h.db
    .insertInto('leads')
    .values({
      id: LEAD,
      studio_id: studio.id,
      status: 'PENDING_APPROVAL',
      answers: {},
      snapshot: '{}',
      machine_id: 'lead',
      machine_version: 1,
      version: 1,
      updated_at: new Date(),
    })
    .execute();
});

/** An approval request sent to the artist through the relay: its outbox id and wamid. */
async function requestApproval() {
  const outboxId = await h.enqueue({
    type: 'effect.artist.notify',
    studioId: studio.id,
    artistId: artist.id,
    reason: 'approval',
    text: 'New lead: realism, forearm',
    withActionLinks: true,
  });
  await h.drain(h.relay());
  const sent = h.graph.sends.at(-1)!;
  const text = (sent.body.text as { body: string }).body;
  const approveLink = new RegExp(`Approve: ${PUBLIC_BASE_URL}/a/(\\S+)`).exec(text)![1]!;
  return { outboxId, wamid: sent.wamid!, approveLink };
}

const reply = (text: string, inReplyTo?: string) =>
  recordArtistMessage({
    db: h.db,
    bus: h.bus,
    now: new Date(),
    message: {
      studioId: studio.id,
      artistId: artist.id,
      channel: 'whatsapp',
      messageId: `wamid.artist-${++seq}`,
      sentAt: new Date(),
      text,
      ...(inReplyTo === undefined ? {} : { inReplyTo }),
    },
  });

describe('artist replies', () => {
  it('"Approve" quoting the request approves that lead once; the link of the same request is then used', async () => {
    const { outboxId, wamid, approveLink } = await requestApproval();
    expect(await reply('Approve 👍', wamid)).toEqual({ kind: 'accepted', action: 'approve', leadId: LEAD });
    const published = await h.published(LEAD);
    expect(published.map((e) => [e.id, e.event.type])).toEqual([[`action:${outboxId}`, 'artist.approve']]);

    expect(await reply('reject', wamid)).toMatchObject({ kind: 'already_decided', action: 'approve' });
    const link = await useActionLink({
      db: h.db,
      bus: h.bus,
      secret: ACTION_LINK_SECRET,
      token: approveLink,
      now: new Date(),
    });
    expect(link).toEqual({ kind: 'already_used', action: 'approve' });
    expect(await h.published(LEAD)).toHaveLength(1);
    const rows = await h.db.selectFrom('artist_messages').select(['text', 'lead_id', 'action']).execute();
    expect(rows).toContainEqual({ text: 'Approve 👍', lead_id: LEAD, action: 'approve' });
  });

  it('an SMS reply decides like a WhatsApp one but does not open the WhatsApp window', async () => {
    const { outboxId } = await requestApproval();
    const now = new Date();
    const outcome = await recordArtistMessage({
      db: h.db,
      bus: h.bus,
      now,
      message: {
        studioId: studio.id,
        artistId: artist.id,
        channel: 'sms',
        messageId: 'twilio:SMartist1',
        sentAt: now,
        text: 'approve',
      },
    });
    expect(outcome).toMatchObject({ kind: 'accepted', action: 'approve' });
    expect((await h.published(LEAD)).map((e) => e.id)).toEqual([`action:${outboxId}`]);
    expect(await artistWindowOpen(h.db, studio, artist.id, now)).toBe(false);
  });

  it('without a quote, "reject" answers the latest request still pending', async () => {
    const { outboxId } = await requestApproval();
    expect(await reply('Rejected, not my style')).toMatchObject({ kind: 'accepted', action: 'reject' });
    expect((await h.published(LEAD)).map((e) => e.id)).toEqual([`action:${outboxId}`]);
  });

  it('ordinary messages are recorded, decide nothing, and open the artist window; a redelivery is a duplicate', async () => {
    await requestApproval();
    const now = new Date();
    expect(await artistWindowOpen(h.db, studio, artist.id, now)).toBe(false);
    const first = await recordArtistMessage({
      db: h.db,
      bus: h.bus,
      now,
      message: {
        studioId: studio.id,
        artistId: artist.id,
        channel: 'whatsapp',
        messageId: 'wamid.same',
        sentAt: now,
        text: 'no problem, call me',
      },
    });
    expect(first).toEqual({ kind: 'recorded' });
    const again = await recordArtistMessage({
      db: h.db,
      bus: h.bus,
      now,
      message: {
        studioId: studio.id,
        artistId: artist.id,
        channel: 'whatsapp',
        messageId: 'wamid.same',
        sentAt: now,
        text: 'approve',
      },
    });
    expect(again).toEqual({ kind: 'duplicate' });
    expect(await h.published(LEAD)).toEqual([]);
    expect(await artistWindowOpen(h.db, studio, artist.id, now)).toBe(true);
  });

  it('a decision with no request pending changes nothing', async () => {
    expect(await reply('approve')).toEqual({ kind: 'no_pending_request', action: 'approve' });
    expect(await h.published(LEAD)).toEqual([]);
  });

  it('reads only unmistakable decisions', () => {
    expect(['Approve', 'approved!', '👍', 'Accept'].map(artistDecision)).toEqual([
      'approve',
      'approve',
      'approve',
      'approve',
    ]);
    expect(['reject', 'Declined.', '👎'].map(artistDecision)).toEqual(['reject', 'reject', 'reject']);
    expect(['no problem', 'ok call me', 'yes', 'I approve of tattoos', null].map(artistDecision)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
