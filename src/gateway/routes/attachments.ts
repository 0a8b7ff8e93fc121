// Attachments for admins: `GET /admin/attachments/:id/url` (ADMIN_API_KEY) returns a short-lived signed
// URL `{url, expiresAt}`; `GET /media/:token` serves the stored bytes to whoever holds that URL until it
// expires (so it can be opened in a browser or shared with an artist without the admin key).
// Registered by buildApp (src/gateway/app.ts). `/media/*`, not `/media/:token`: tokens
// are longer than Fastify's default maxParamLength (100).
import type { FastifyPluginAsync } from 'fastify';
import type { Env } from '../../config/env.ts';
import { mediaUrl, verifyMediaToken } from '../../effects/media/media-url.ts';
import { mediaStoreFromEnv } from '../../effects/media/media-store-from-env.ts';
import type { MediaStore } from '../../effects/media/media-store.ts';
import type { Db } from '../../persistence/database.ts';
import { GatewayError } from '../errors.ts';
import { requireAdminKey } from '../plugins/auth.ts';

export interface AttachmentRouteDeps {
  env: Env;
  db: Db;
  mediaStore?: MediaStore;
  clock?: () => Date;
}

export const attachmentRoutes: FastifyPluginAsync<AttachmentRouteDeps> = async (app, deps) => {
  const clock = deps.clock ?? (() => new Date());
  const store = deps.mediaStore ?? mediaStoreFromEnv(deps.env);
  const secret = () => {
    const value = deps.env.ACTION_LINK_SECRET;
    if (!value) throw new GatewayError('SERVICE_UNAVAILABLE', { message: 'ACTION_LINK_SECRET is not set' });
    return value;
  };
  const uploaded = (id: string) =>
    deps.db
      .selectFrom('attachments')
      .select(['id', 'status', 'storage_key', 'mime_type'])
      .where('id', '=', id)
      .where('status', '=', 'UPLOADED')
      .executeTakeFirst();
  const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

  await app.register((admin) => {
    admin.addHook('onRequest', requireAdminKey(deps.env.ADMIN_API_KEY));
    admin.get<{ Params: { id: string } }>('/admin/attachments/:id/url', async (request) => {
      const row = isUuid(request.params.id) ? await uploaded(request.params.id) : undefined;
      if (!row) throw new GatewayError('NOT_FOUND', { message: 'No uploaded attachment with this id' });
      const baseUrl = deps.env.PUBLIC_BASE_URL ?? `${request.protocol}://${request.host}`;
      return mediaUrl({ attachmentId: row.id, baseUrl, secret: secret(), now: clock() });
    });
    return Promise.resolve();
  });

  app.get<{ Params: { '*': string } }>('/media/*', async (request, reply) => {
    const id = verifyMediaToken(request.params['*'], secret(), clock());
    // Expired, tampered and unknown all look the same from outside: 404.
    const row = id === undefined ? undefined : await uploaded(id);
    const body = row?.storage_key ? await store.get(row.storage_key) : undefined;
    if (!row || !body) throw new GatewayError('NOT_FOUND', { message: 'No such media, or the link expired' });
    return reply
      .header('cache-control', 'private, max-age=60')
      .header('x-content-type-options', 'nosniff')
      .type(row.mime_type ?? 'application/octet-stream')
      .send(body);
  });
};
