// Where attachment bytes live: the filesystem by default (<LEADLINE_HOME>/media), or an S3-compatible
// bucket when LEADLINE_S3_BUCKET is set (s3-media-store.ts; `mediaStoreFromEnv` picks).
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface MediaStore {
  put(key: string, body: Buffer, mimeType: string): Promise<void>;
  /** undefined when there is no object under `key`. */
  get(key: string): Promise<Buffer | undefined>;
  /** Releases connections (S3 client); the filesystem store has none. */
  close?(): void;
}

/** Keys are `<studio>/<lead>/<attachment uuid>.<ext>`: only safe path segments, never `..`. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.[a-z0-9]+$/.test(key))
    throw new Error(`unsafe media key: ${key}`);
}

export class FilesystemMediaStore implements MediaStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, body: Buffer): Promise<void> {
    assertSafeKey(key);
    const target = path.join(this.root, key);
    await mkdir(path.dirname(target), { recursive: true });
    // Write aside, then rename: a reader never sees half a file, a crash never leaves one under the key.
    const temp = `${target}.${randomUUID()}.tmp`;
    await writeFile(temp, body);
    await rename(temp, target);
  }

  async get(key: string): Promise<Buffer | undefined> {
    assertSafeKey(key);
    try {
      return await readFile(path.join(this.root, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

export function defaultMediaStore(leadlineHome: string): MediaStore {
  return new FilesystemMediaStore(path.join(leadlineHome, 'media'));
}
