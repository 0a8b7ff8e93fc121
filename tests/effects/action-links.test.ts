import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActionToken } from '../../src/effects/action-links/action-token.ts';
import { FilesystemMediaStore } from '../../src/effects/media/media-store.ts';
import { buildApp } from '../../src/gateway/app.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import {
  ACTION_LINK_SECRET,
  LEAD,
  PUBLIC_BASE_URL,
  startEffectsHarness,
  studio,
  type EffectsHarness,
} from './effects-harness.ts';

const ADMIN_API_KEY = 'test-admin-key';
let h: EffectsHarness;
let app: FastifyInstance;
let now = new Date();

beforeAll(async () => {
  h = await startEffectsHarness({ ADMIN_API_KEY });
  const clock = () => now;
  const mediaStore = new FilesystemMediaStore(path.join(h.mediaRoot, 'media'));
  app = await buildApp({
    env: h.env,
    db: h.db,
    bus: h.bus,
    studios: h.studios,
    logger: silentLogger,
    metrics: h.metrics,
    options: { natsAdmin: false },
    mediaStore,
    clock,
  });
  await app.ready();
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
afterAll(async () => {
  await app.close();
  await h.close();
});
beforeEach(async () => {
  now = new Date();
  h.graph.sends.length = 0;
  await h.db.deleteFrom('inbox').execute();
  await h.db.deleteFrom('outbox').execute();
});

/** The artist notification goes out through the relay; its links are what the artist taps. */
async function notifyArtist(): Promise<{ approve: string; reject: string; outboxId: string }> {
  const outboxId = await h.enqueue({
    type: 'effect.artist.notify',
    studioId: studio.id,
    artistId: studio.artists[0]!.id,
    reason: 'approval',
    text: 'New lead: realism, forearm, 10x15cm',
    withActionLinks: true,
  });
  await h.drain(h.relay());
  const sent = h.graph.sends.at(-1)!;
  const text = (sent.body.text as { body: string }).body;
  const links = [...text.matchAll(new RegExp(`${PUBLIC_BASE_URL}(/a/\\S+)`, 'g'))].map((m) => m[1]!);
  expect(links).toHaveLength(2);
  return { approve: links[0]!, reject: links[1]!, outboxId };
}

describe('artist action links', () => {
  it('the artist gets a WhatsApp text with signed approve/reject links; approving enqueues artist.approve once', async () => {
    const { approve, reject, outboxId } = await notifyArtist();
    const sent = h.graph.sends.at(-1)!;
    expect(sent.body.to).toBe(studio.artists[0]!.whatsapp.replace('+', ''));
    expect((sent.body.text as { body: string }).body).toContain('New lead: realism');

    expect((sent.body.text as { preview_url: boolean }).preview_url).toBe(false);

    const res = await app.inject({ method: 'POST', url: approve });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Your decision was sent to the lead&#39;s conversation');
    const inbox = await h.published();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      id: `action:${outboxId}`,
      leadId: LEAD,
      studioId: studio.id,
      event: { type: 'artist.approve' },
    });

    // Single use: the same link again, or the other link of the pair, changes nothing.
    for (const url of [approve, reject]) {
      const again = await app.inject({ method: 'POST', url });
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('Already used');
      // The confirmation page says so too, rather than offering a button that cannot work.
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(409);
    }
    expect(await h.published()).toHaveLength(1);
  });

  it('an expired link answers 410 and changes nothing', async () => {
    const { reject } = await notifyArtist();
    now = new Date(now.getTime() + 8 * 86_400_000);
    expect((await app.inject({ method: 'GET', url: reject })).statusCode).toBe(410);
    const res = await app.inject({ method: 'POST', url: reject });
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('expired');
    expect(await h.published()).toEqual([]);
  });

  it('a tampered link answers 400 and changes nothing', async () => {
    const { approve } = await notifyArtist();
    const token = approve.slice('/a/'.length);
    const [payload, signature] = token.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    forged.action = 'reject';
    const tampered = [
      `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`,
      createActionToken(
        { leadId: LEAD, action: 'approve', exp: now.getTime() + 60_000, nonce: 'n'.repeat(16) },
        'wrong-secret',
      ),
      'garbage',
    ];
    for (const t of tampered) {
      expect((await app.inject({ method: 'GET', url: `/a/${t}` })).statusCode).toBe(400);
      const res = await app.inject({ method: 'POST', url: `/a/${t}` });
      expect(res.statusCode).toBe(400);
    }
    expect(await h.published()).toEqual([]);
    const used = await h.db
      .selectFrom('action_tokens')
      .selectAll()
      .where('nonce', '=', 'n'.repeat(16))
      .execute();
    expect(used).toEqual([]);
  });

  it('a valid link with the right secret but an unknown lead answers 404', async () => {
    const token = createActionToken(
      {
        leadId: 'ld_nobody',
        action: 'approve',
        exp: now.getTime() + 60_000,
        nonce: randomBytes(8).toString('hex'),
      },
      ACTION_LINK_SECRET,
    );
    expect((await app.inject({ method: 'GET', url: `/a/${token}` })).statusCode).toBe(404);
    const res = await app.inject({ method: 'POST', url: `/a/${token}` });
    expect(res.statusCode).toBe(404);
  });

  it('GET and HEAD (what link previews send) only confirm; the form POSTs back and acts once', async () => {
    const { reject } = await notifyArtist();
    for (const method of ['GET', 'HEAD', 'GET'] as const) {
      const res = await app.inject({ method, url: reject });
      expect(res.statusCode).toBe(200);
    }
    const page = await app.inject({ method: 'GET', url: reject });
    expect(page.body).toContain('Reject this lead?');
    expect(page.body).toMatch(/<form method="post" action="">/);
    expect(await h.published()).toEqual([]);
    const used = await h.db.selectFrom('action_tokens').select('nonce').execute();
    const before = used.length;

    // What a browser sends when the button is pressed: an empty urlencoded form.
    const res = await app.inject({
      method: 'POST',
      url: reject,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Rejection sent');
    const inbox = await h.published();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ leadId: LEAD, event: { type: 'artist.reject' } });
    expect(await h.db.selectFrom('action_tokens').select('nonce').execute()).toHaveLength(before + 1);
  });
});

describe('attachment URLs', () => {
  it('admins get a short-lived signed URL that serves the stored bytes until it expires', async () => {
    const bytes = randomBytes(2048);
    h.graph.addMedia('m-admin', { bytes, mimeType: 'image/png' });
    await h.enqueue({
      type: 'effect.media.store',
      studioId: studio.id,
      messageId: 'wamid.img',
      mediaId: 'm-admin',
      purpose: 'reference',
    });
    await h.drain(h.relay());
    const { id } = await h.db
      .selectFrom('attachments')
      .select('id')
      .where('media_id', '=', 'm-admin')
      .executeTakeFirstOrThrow();

    expect((await app.inject({ method: 'GET', url: `/admin/attachments/${id}/url` })).statusCode).toBe(401);
    const res = await app.inject({
      method: 'GET',
      url: `/admin/attachments/${id}/url`,
      headers: { 'x-api-key': ADMIN_API_KEY },
    });
    expect(res.statusCode).toBe(200);
    const { url, expiresAt } = res.json<{ url: string; expiresAt: string }>();
    expect(url.startsWith(`${PUBLIC_BASE_URL}/media/`)).toBe(true);
    expect(Date.parse(expiresAt)).toBeGreaterThan(now.getTime());

    const path = url.slice(PUBLIC_BASE_URL.length);
    const media = await app.inject({ method: 'GET', url: path });
    expect(media.statusCode).toBe(200);
    expect(media.headers['content-type']).toBe('image/png');
    expect(media.rawPayload.equals(bytes)).toBe(true);

    now = new Date(Date.parse(expiresAt) + 1);
    expect((await app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    const missing = await app.inject({
      method: 'GET',
      url: '/admin/attachments/00000000-0000-0000-0000-000000000000/url',
      headers: { 'x-api-key': ADMIN_API_KEY },
    });
    expect(missing.statusCode).toBe(404);
  });
});
