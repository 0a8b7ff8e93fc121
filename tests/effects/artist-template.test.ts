// Artists are reached outside their 24-hour window: a studio with artist templates sends the approval as
// an approved template (the lead's summary as its parameter, the approve/reject tokens as its URL buttons)
// unless the artist wrote to the studio number within the window, when the free-form text with links goes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyActionToken } from '../../src/effects/action-links/action-token.ts';
import { templateParam } from '../../src/effects/handlers/artist-notify.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import {
  ACTION_LINK_SECRET,
  LEAD,
  PUBLIC_BASE_URL,
  startEffectsHarness,
  type EffectsHarness,
} from './effects-harness.ts';

const demo = demoStudioConfig.studios[0]!;
const studio = {
  ...demo,
  language: 'en_US',
  templates: { ...demo.templates, artistApproval: 'artist_approval', artistUpdate: 'artist_update' },
};
const artist = studio.artists[0]!;
let h: EffectsHarness;

beforeAll(async () => {
  h = await startEffectsHarness({}, { studios: [studio] });
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  h.graph.sends.length = 0;
  await h.db.deleteFrom('artist_messages').execute();
});

async function notify(reason: 'approval' | 'handover', text: string) {
  await h.enqueue({
    type: 'effect.artist.notify',
    studioId: studio.id,
    artistId: artist.id,
    reason,
    text,
    withActionLinks: reason === 'approval',
  });
  await h.drain(h.relay());
  return h.graph.sends.at(-1)!.body;
}

async function artistWrote(hoursAgo: number) {
  const at = new Date(Date.now() - hoursAgo * 3_600_000);
  await h.db
    .insertInto('artist_messages')
    .values({
      provider_message_id: `wamid.artist${hoursAgo}`,
      studio_id: studio.id,
      artist_id: artist.id,
      sent_at: at,
      received_at: at,
      text: 'hi',
    })
    .execute();
}

describe('artist notifications outside the window', () => {
  it('an artist who has not written for a day gets the approval template with working link buttons', async () => {
    await artistWrote(30);
    const body = await notify('approval', 'New lead: realism,\n forearm, 10x15cm');
    expect(body.to).toBe(artist.whatsapp.replace('+', ''));
    expect(body.type).toBe('template');
    const template = body.template as {
      name: string;
      language: { code: string };
      components: { type: string; index?: string; parameters: { text: string }[] }[];
    };
    expect(template.name).toBe('artist_approval');
    expect(template.language.code).toBe('en_US');
    expect(template.components[0]).toEqual({
      type: 'body',
      parameters: [{ type: 'text', text: 'New lead: realism, forearm, 10x15cm' }],
    });
    const buttons = template.components.filter((c) => c.type === 'button');
    expect(buttons.map((b) => b.index)).toEqual(['0', '1']);
    const [approve, reject] = buttons.map((b) =>
      verifyActionToken(b.parameters[0]!.text, ACTION_LINK_SECRET, new Date()),
    );
    expect(approve).toMatchObject({ ok: true, payload: { leadId: LEAD, action: 'approve' } });
    expect(reject).toMatchObject({ ok: true, payload: { leadId: LEAD, action: 'reject' } });
  });

  it('other notifications use the update template, without buttons', async () => {
    const body = await notify('handover', 'A lead asked for a human');
    const template = body.template as { name: string; components: { type: string }[] };
    expect(template.name).toBe('artist_update');
    expect(template.components.map((c) => c.type)).toEqual(['body']);
  });

  it('inside the window (the artist wrote an hour ago) the free-form text with links goes', async () => {
    await artistWrote(1);
    const body = await notify('approval', 'New lead: blackwork');
    expect(body.type).toBe('text');
    const text = (body.text as { body: string }).body;
    expect(text).toContain('New lead: blackwork');
    expect(text).toMatch(
      new RegExp(`Approve: ${PUBLIC_BASE_URL}/a/\\S+\\nReject: ${PUBLIC_BASE_URL}/a/\\S+`),
    );
  });

  it('template parameters are one line, bounded', () => {
    expect(templateParam('a\n\tb    c')).toBe('a b c');
    expect(templateParam('x'.repeat(2_000))).toHaveLength(900);
  });
});
