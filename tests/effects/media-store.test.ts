import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EffectOf } from '../../src/effects/effect-handler.ts';
import { sweepStuckAttachments } from '../../src/effects/media/sweep-attachments.ts';
import { LEAD, startEffectsHarness, studio, type EffectsHarness } from './effects-harness.ts';

const MB = 1024 * 1024;
let n = 0;
const image = (mediaId: string): EffectOf<'effect.media.store'> => ({
  type: 'effect.media.store',
  studioId: studio.id,
  messageId: `wamid.in${++n}`,
  mediaId,
  mimeType: 'image/jpeg',
  purpose: 'reference',
});

let h: EffectsHarness;
beforeAll(async () => {
  h = await startEffectsHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.db.deleteFrom('outbox').execute();
  await h.db.deleteFrom('attachments').execute();
});

const attachmentFor = (mediaId: string) =>
  h.db.selectFrom('attachments').selectAll().where('media_id', '=', mediaId).executeTakeFirstOrThrow();

async function storeAndDrain(mediaId: string) {
  await h.enqueue(image(mediaId));
  await h.drain(h.relay());
  return attachmentFor(mediaId);
}

describe('effect.media.store', () => {
  it('downloads an image with the bearer token and stores the exact bytes on disk: UPLOADED', async () => {
    const bytes = randomBytes(64 * 1024);
    h.graph.addMedia('m-ok', { bytes, mimeType: 'image/jpeg' });
    const before = h.graph.requests.length;
    const row = await storeAndDrain('m-ok');

    expect(row).toMatchObject({
      status: 'UPLOADED',
      lead_id: LEAD,
      mime_type: 'image/jpeg',
      size: String(bytes.length),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      attempts: 1,
      reason: null,
    });
    expect(row.storage_key).toBe(`${studio.id}/${LEAD}/${row.id}.jpg`);
    const onDisk = await readFile(path.join(h.mediaRoot, 'media', row.storage_key!));
    expect(onDisk.equals(bytes)).toBe(true);
    expect(h.graph.requests.slice(before).map((r) => r.route)).toEqual(['media', 'download']);
  });

  it('is idempotent per lead and media id: a repeated effect stores once', async () => {
    h.graph.addMedia('m-twice', { bytes: randomBytes(1000), mimeType: 'image/png' });
    await h.enqueue(image('m-twice'));
    await h.enqueue(image('m-twice'));
    const before = h.graph.requests.length;
    await h.drain(h.relay());
    const rows = await h.db.selectFrom('attachments').selectAll().where('media_id', '=', 'm-twice').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('UPLOADED');
    expect(h.graph.requests.length - before).toBe(2);
  });

  it.each([
    [
      'too_large (10 MB image, by its metadata)',
      'm-big',
      { bytes: randomBytes(10 * MB), mimeType: 'image/jpeg' },
    ],
    [
      'too_large (metadata lies, the download is cut off)',
      'm-big-lie',
      { bytes: randomBytes(10 * MB), mimeType: 'image/jpeg', fileSize: 1000 },
    ],
    ['empty', 'm-empty', { bytes: Buffer.alloc(0), mimeType: 'image/jpeg' }],
    ['unsupported_type', 'm-exe', { bytes: randomBytes(100), mimeType: 'application/x-msdownload' }],
    [
      'sha256_mismatch',
      'm-sha',
      { bytes: randomBytes(100), mimeType: 'image/jpeg', sha256: 'ab'.repeat(32) },
    ],
  ])('fails for good with reason %s', async (label, mediaId, media) => {
    h.graph.addMedia(mediaId, media);
    const row = await storeAndDrain(mediaId);
    expect(row.status).toBe('FAILED');
    expect(row.reason).toBe(label.split(' ')[0]);
    expect(row.attempts).toBe(1);
    expect(row.storage_key).toBeNull();
    const event = await h.db
      .selectFrom('system_events')
      .selectAll()
      .where('type', '=', 'media.failed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({ mediaId, reason: row.reason });
  });

  it('expired media (Graph 404 / error 100) fails as media_expired without retrying', async () => {
    const row = await storeAndDrain('m-gone');
    expect(row).toMatchObject({ status: 'FAILED', reason: 'media_expired', attempts: 1 });
  });

  it('retries a failed download and then stores it', async () => {
    h.graph.addMedia('m-flaky', { bytes: randomBytes(500), mimeType: 'image/jpeg' });
    h.graph.failNext('download', { kind: 'status', status: 500 });
    const row = await storeAndDrain('m-flaky');
    expect(row).toMatchObject({ status: 'UPLOADED', attempts: 2 });
  });

  it('a download that stalls half way is abandoned after the idle timeout and retried', async () => {
    h.graph.addMedia('m-stall', { bytes: randomBytes(500), mimeType: 'image/jpeg' });
    h.graph.failNext('download', { kind: 'stall' });
    const row = await storeAndDrain('m-stall');
    expect(row).toMatchObject({ status: 'UPLOADED', attempts: 2 });
    const outbox = await h.db.selectFrom('outbox').select('attempt_log').executeTakeFirstOrThrow();
    expect(outbox.attempt_log[0]?.error).toContain('stalled');
  });

  it('gives up after 5 attempts: FAILED download_failed', async () => {
    h.graph.addMedia('m-down', { bytes: randomBytes(500), mimeType: 'image/jpeg' });
    const fail = { kind: 'status' as const, status: 503 };
    h.graph.failNext('media', fail, fail, fail, fail, fail);
    const row = await storeAndDrain('m-down');
    expect(row).toMatchObject({ status: 'FAILED', reason: 'download_failed', attempts: 5 });
  });
});

describe('sweepStuckAttachments', () => {
  it('fails PENDING attachments whose lease expired and whose effect will not run again', async () => {
    const now = new Date();
    const done = await h.enqueue(image('m-stuck'));
    const live = await h.enqueue(image('m-live'), { leadId: 'ld_other' });
    await h.db.updateTable('outbox').set({ status: 'done' }).where('id', '=', done).execute();
    const pending = (mediaId: string, outboxId: string, leadId = LEAD) => ({
      id: randomUUID(),
      lead_id: leadId,
      studio_id: studio.id,
      message_id: 'wamid.x',
      media_id: mediaId,
      outbox_id: outboxId,
      locked_until: new Date(now.getTime() - 1000),
      updated_at: new Date(now.getTime() - 60_000),
    });
    await h.db
      .insertInto('attachments')
      .values([pending('m-stuck', done), pending('m-live', live, 'ld_other')])
      .execute();

    expect(await sweepStuckAttachments(h.db, now)).toBe(1);
    expect(await attachmentFor('m-stuck')).toMatchObject({ status: 'FAILED', reason: 'abandoned' });
    expect((await attachmentFor('m-live')).status).toBe('PENDING');
  });
});
