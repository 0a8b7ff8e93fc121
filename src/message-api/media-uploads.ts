// Images sent with a message-API message: POST /{web,app,api}/media?studioId=… takes the raw bytes (the
// body is the image; Content-Type image/png, image/jpeg or image/webp), checks them and stores them in the
// media store, answering the upload's id; a message then names it as `media: {"id"}`. The type is what the
// bytes are (magic numbers), never only what the client says: a declared type that disagrees, or bytes
// that are no supported image, are refused. Limits are the media pipeline's (media-policy.ts, WhatsApp's
// own: PNG and JPEG 5 MB, WebP 500 KB). `GET /{channel}/media/:id` serves an upload back (the chat shows
// it); its id, 128 random bits, is the capability, as the session id is for the session's messages.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import { mediaKindFor } from '../effects/media/media-policy.ts';
import type { MediaStore } from '../effects/media/media-store.ts';
import { GatewayError } from '../gateway/errors.ts';
import type { Db } from '../persistence/database.ts';
import type { MediaUploadsTable } from '../persistence/schema-message-api.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { activeStudio, channelAccess } from './channel-access.ts';
import type { SessionChannel } from '../sessions/session-store.ts';
import { UPLOAD_ID } from './upload-id.ts';

export type MediaUpload = Selectable<MediaUploadsTable>;

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
/** The largest image any supported type allows: the body limit of the upload route. */
export const MAX_UPLOAD_BYTES = Math.max(...IMAGE_TYPES.map((t) => mediaKindFor(t)?.maxBytes ?? 0));

/** What the bytes are, by their first bytes: PNG, JPEG or WebP; undefined for anything else. */
export function sniffImageType(bytes: Buffer): (typeof IMAGE_TYPES)[number] | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return undefined;
}

/** Checks and stores one upload; the row. */
export async function storeUpload(
  deps: { db: Db; store: MediaStore; now: Date },
  input: { studioId: string; bytes: Buffer; declaredType: string | undefined },
): Promise<MediaUpload> {
  const { bytes } = input;
  if (bytes.length === 0)
    throw new GatewayError('VALIDATION_FAILED', { message: 'media: the body is empty' });
  const mimeType = sniffImageType(bytes);
  const declared = input.declaredType?.split(';')[0]?.trim().toLowerCase();
  if (mimeType === undefined)
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', {
      message: 'media: expected a PNG, JPEG or WebP image',
    });
  if (declared !== undefined && declared !== 'application/octet-stream' && declared !== mimeType)
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', {
      message: `media: the body is ${mimeType}, not ${declared}`,
    });
  const kind = mediaKindFor(mimeType);
  if (kind === undefined || bytes.length > kind.maxBytes)
    throw new GatewayError('PAYLOAD_TOO_LARGE', {
      message: `media: ${mimeType} is limited to ${kind?.maxBytes ?? 0} bytes`,
    });
  const id = `upl_${randomBytes(16).toString('hex')}`;
  const row: MediaUpload = {
    id,
    studio_id: input.studioId,
    storage_key: `uploads/${id}.${kind.extension}`,
    mime_type: mimeType,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    created_at: deps.now,
  };
  await deps.store.put(row.storage_key, bytes, mimeType);
  await deps.db.insertInto('media_uploads').values(row).execute();
  return row;
}

export async function findUpload(db: Db, id: string): Promise<MediaUpload | undefined> {
  if (!UPLOAD_ID.test(id)) return undefined;
  return db.selectFrom('media_uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The upload a message names, if it is this studio's. */
export async function uploadForMessage(db: Db, studioId: string, id: string): Promise<MediaUpload> {
  const upload = await findUpload(db, id);
  if (upload?.studio_id !== studioId)
    throw new GatewayError('VALIDATION_FAILED', { message: 'media.id: no such upload for this studio' });
  return upload;
}

export function registerMediaRoutes(
  scope: FastifyInstance,
  deps: { db: Db; studios: StudioRegistry; store: MediaStore; clock: () => Date },
  channel: SessionChannel,
  prefix: string,
): void {
  // The images arrive as they are, not as JSON: a parser per type, in this scope only.
  scope.addContentTypeParser(
    [...IMAGE_TYPES, 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_request, body, done) => {
      done(null, body);
    },
  );
  scope.post<{ Querystring: { studioId?: string } }>(
    `${prefix}/media`,
    { bodyLimit: MAX_UPLOAD_BYTES, schema: { tags: ['messages'], hide: true } },
    async (request: FastifyRequest<{ Querystring: { studioId?: string } }>, reply) => {
      const studio = activeStudio(deps.studios, request.query.studioId ?? '');
      channelAccess[channel].check(studio, request);
      if (!Buffer.isBuffer(request.body))
        throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', {
          message: 'media: send the image as the body (image/png, image/jpeg or image/webp)',
        });
      const upload = await storeUpload(
        { db: deps.db, store: deps.store, now: deps.clock() },
        { studioId: studio.id, bytes: request.body, declaredType: request.headers['content-type'] },
      );
      return reply.code(201).send({
        data: { mediaId: upload.id, mimeType: upload.mime_type, size: upload.size, sha256: upload.sha256 },
      });
    },
  );
  scope.get<{ Params: { id: string } }>(
    `${prefix}/media/:id`,
    { schema: { hide: true } },
    async (request, reply) => {
      const upload = await findUpload(deps.db, request.params.id);
      const bytes = upload ? await deps.store.get(upload.storage_key) : undefined;
      if (!upload || !bytes) throw new GatewayError('NOT_FOUND', { message: 'No such upload' });
      return reply
        .header('cache-control', 'private, max-age=86400, immutable')
        .header('x-content-type-options', 'nosniff')
        .type(upload.mime_type)
        .send(bytes);
    },
  );
}
