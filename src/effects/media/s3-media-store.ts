// Attachments in an S3-compatible bucket (AWS, MinIO, R2, s3rver in tests). Path-style addressing when a
// custom endpoint is given, since most S3-compatible servers do not serve virtual-host buckets.
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { assertSafeKey, type MediaStore } from './media-store.ts';

export interface S3MediaStoreOptions {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  prefix?: string;
  /** Explicit credentials (tests); otherwise the SDK's default chain (AWS_ACCESS_KEY_ID, roles…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class S3MediaStore implements MediaStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3MediaStoreOptions) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? '';
    this.#client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async put(key: string, body: Buffer, mimeType: string): Promise<void> {
    assertSafeKey(key);
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.#prefix + key,
        Body: body,
        ContentType: mimeType,
      }),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    assertSafeKey(key);
    try {
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }),
      );
      if (!object.Body) return undefined;
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  close(): void {
    this.#client.destroy();
  }
}
