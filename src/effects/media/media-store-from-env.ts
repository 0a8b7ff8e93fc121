// Picks the attachment store from the environment: S3 when LEADLINE_S3_BUCKET is set, else the filesystem
// under LEADLINE_HOME.
import type { Env } from '../../config/env.ts';
import { defaultMediaStore, type MediaStore } from './media-store.ts';
import { S3MediaStore } from './s3-media-store.ts';

export function mediaStoreFromEnv(env: Env): MediaStore {
  if (!env.LEADLINE_S3_BUCKET) return defaultMediaStore(env.LEADLINE_HOME);
  return new S3MediaStore({
    bucket: env.LEADLINE_S3_BUCKET,
    region: env.LEADLINE_S3_REGION,
    endpoint: env.LEADLINE_S3_ENDPOINT,
    prefix: env.LEADLINE_S3_PREFIX,
  });
}
