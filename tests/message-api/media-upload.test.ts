// An image sent with a web message, end to end on the real system (gateway + lead machine + relay + media
// pipeline, fresh database, filesystem media store): POST /web/media takes the bytes (type sniffed, size
// bounded), the message names the upload, the lead's transcript has it as an image like a WhatsApp photo,
// the qualify flow takes it as the reference image, and the media pipeline stores it as the lead's
// attachment with the same bytes.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLines } from '../../src/cli/demo-conversation.ts';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startSystem, type RunningSystem } from '../../src/system.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitFor } from '../helpers/runtime-harness.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

interface Upload {
  data: { mediaId: string; mimeType: string; size: number; sha256: string };
}
interface Answer {
  data: { leadId: string; sessionId: string; user?: { deviceId: string }; lead: { step: string | null } };
}

describe('images with web messages', () => {
  let t: TestDatabase;
  let system: RunningSystem;
  let home: string;
  let base: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    home = await mkdtemp(path.join(os.tmpdir(), 'leadline-upload-'));
    system = await startSystem({
      env: parseEnv({
        DATABASE_URL: t.url,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        LEADLINE_HOME: home,
        LEADLINE_PROBE_INTERVAL: '0',
        ADMIN_API_KEY: 'upload-admin',
      }),
      role: 'all',
      studioConfig: demoStudioConfig,
      logger: silentLogger,
    });
    base = system.url;
  }, 120_000);
  afterAll(async () => {
    await system.stop();
    await t.drop();
    await rm(home, { recursive: true, force: true });
  });

  const upload = (bytes: Buffer, type = 'image/png', studioId = 'inkwell') =>
    fetch(`${base}/web/media?studioId=${studioId}`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: bytes,
    });
  let n = 0;
  const message = (payload: Record<string, unknown>) =>
    fetch(`${base}/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ studioId: 'inkwell', requestId: `img-${++n}`, ...payload }),
    });

  it('refuses what is no supported image, a declared type the bytes are not, too large, and unknown ids', async () => {
    expect((await upload(Buffer.from('not an image at all'))).status).toBe(415);
    expect((await upload(PNG, 'image/jpeg')).status).toBe(415);
    expect((await upload(Buffer.alloc(0))).status).toBe(400);
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    expect((await upload(big)).status).toBe(413);
    expect((await upload(PNG, 'image/png', 'no-such-studio')).status).toBe(404);
    const unknown = await message({ media: { id: `upl_${'0'.repeat(32)}` } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('media.id');
    const neither = await message({});
    expect(neither.status).toBe(400);
    expect(((await neither.json()) as { error: { message: string } }).error.message).toContain('text');
  });

  it('an uploaded PNG answers the reference question and becomes the lead’s attachment', async () => {
    let user: Record<string, string> = {};
    let answer: Answer | undefined;
    for (const text of demoLines.slice(0, 5)) {
      const response = await message({ text, user });
      expect(response.status).toBe(200);
      answer = (await response.json()) as Answer;
      if (answer.data.user) user = { deviceId: answer.data.user.deviceId };
    }
    expect(answer?.data.lead.step).toBe('reference_images');
    const leadId = answer?.data.leadId ?? '';

    const uploaded = await upload(PNG);
    expect(uploaded.status).toBe(201);
    const { data: media } = (await uploaded.json()) as Upload;
    expect(media).toMatchObject({
      mimeType: 'image/png',
      size: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
    });
    const served = await fetch(`${base}/web/media/${media.mediaId}`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const sent = await message({ media: { id: media.mediaId }, text: 'like this one', user });
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as Answer).data.lead.step).toBe('budget');

    const lead = (await (
      await fetch(`${base}/admin/leads/${leadId}`, { headers: { 'x-api-key': 'upload-admin' } })
    ).json()) as { answers: Record<string, unknown> };
    expect(lead.answers['reference_images']).toEqual({
      mediaIds: [media.mediaId],
      description: 'like this one',
      none: false,
    });
    const row = await t.db
      .selectFrom('transcript')
      .select(['kind', 'text', 'data'])
      .where('lead_id', '=', leadId)
      .where('kind', '=', 'image')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      text: 'like this one',
      data: { mediaId: media.mediaId, mimeType: 'image/png' },
    });
    await waitFor(
      async () =>
        (
          await t.db
            .selectFrom('attachments')
            .select('status')
            .where('lead_id', '=', leadId)
            .where('media_id', '=', media.mediaId)
            .executeTakeFirst()
        )?.status === 'UPLOADED',
      30_000,
      'the attachment stored',
    );
    const attachment = await t.db
      .selectFrom('attachments')
      .select(['purpose', 'sha256', 'size', 'mime_type'])
      .where('lead_id', '=', leadId)
      .executeTakeFirstOrThrow();
    expect({ ...attachment, size: Number(attachment.size) }).toEqual({
      purpose: 'reference',
      sha256: media.sha256,
      size: PNG.length,
      mime_type: 'image/png',
    });

    // The session shows it as an image with its caption.
    const sessionId = answer?.data.sessionId ?? '';
    const listed = (await (await fetch(`${base}/web/sessions/${sessionId}/messages`)).json()) as {
      data: { messages: { kind: string; mediaId?: string; text: string }[] };
    };
    expect(listed.data.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'image', mediaId: media.mediaId, text: 'like this one' }),
      ]),
    );
  }, 120_000);
});
