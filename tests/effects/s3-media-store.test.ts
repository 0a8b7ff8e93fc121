import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { mediaStoreFromEnv } from '../../src/effects/media/media-store-from-env.ts';
import { FilesystemMediaStore } from '../../src/effects/media/media-store.ts';
import { S3MediaStore } from '../../src/effects/media/s3-media-store.ts';

let server: S3rver;
let dir: string;
let endpoint: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-s3-'));
  // s3rver accepts any credentials, but checks that requests are signed.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'media' }],
  });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('S3 media store (against s3rver)', () => {
  it('is chosen by LEADLINE_S3_BUCKET and round-trips bytes under the prefix', async () => {
    const env = parseEnv({
      LEADLINE_S3_BUCKET: 'media',
      LEADLINE_S3_ENDPOINT: endpoint,
      LEADLINE_S3_PREFIX: 'leadline/',
    });
    const store = mediaStoreFromEnv(env);
    expect(store).toBeInstanceOf(S3MediaStore);
    const bytes = randomBytes(4096);
    await store.put('inkwell/ld_abc/0f0e.jpg', bytes, 'image/jpeg');
    expect((await store.get('inkwell/ld_abc/0f0e.jpg'))?.equals(bytes)).toBe(true);
    expect(await store.get('inkwell/ld_abc/missing.jpg')).toBeUndefined();
    // Under the prefix, not at the bucket root.
    const bare = new S3MediaStore({ bucket: 'media', region: 'us-east-1', endpoint });
    expect(await bare.get('inkwell/ld_abc/0f0e.jpg')).toBeUndefined();
    expect((await bare.get('leadline/inkwell/ld_abc/0f0e.jpg'))?.equals(bytes)).toBe(true);
    store.close?.();
    bare.close();
  });

  it('without a bucket the filesystem store is used', () => {
    expect(mediaStoreFromEnv(parseEnv({ LEADLINE_HOME: dir }))).toBeInstanceOf(FilesystemMediaStore);
  });

  it('refuses keys that could escape their folder', async () => {
    const store = new S3MediaStore({ bucket: 'media', region: 'us-east-1', endpoint });
    await expect(store.put('../etc/passwd.txt', Buffer.from('x'), 'text/plain')).rejects.toThrow(/unsafe/);
    store.close();
  });
});
