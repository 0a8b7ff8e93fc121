// effect.media.store → download a lead's media from the Graph API and keep it. The attachment row is
// inserted PENDING (once per lead + media id), then: GET /{media-id} for the short-lived URL and metadata,
// GET the URL with the same bearer token, check it (type, size, emptiness, sha256), store it, UPLOADED.
// Failures end as FAILED with a reason: too_large, unsupported_type, empty, sha256_mismatch, media_expired,
// or download_failed once the 5 attempts are spent.
import { createHash } from 'node:crypto';
import type { Db } from '../../persistence/database.ts';
import { permanent } from '../effect-errors.ts';
import type { EffectHandler, EffectOf } from '../effect-handler.ts';
import {
  ensureAttachment,
  leaseAttachment,
  markFailed,
  markRetry,
  markUploaded,
} from '../media/attachments.ts';
import type { MediaSources } from '../media/media-sources.ts';
import type { MediaStore } from '../media/media-store.ts';

export const MEDIA_MAX_ATTEMPTS = 5;

/** Graph gives sha256 as hex (media metadata) or base64 (webhooks); accept either. */
function sha256Matches(bytes: Buffer, expected: string): boolean {
  const digest = createHash('sha256').update(bytes).digest();
  return expected.toLowerCase() === digest.toString('hex') || expected === digest.toString('base64');
}

export function mediaStoreHandler(
  db: Db,
  sources: MediaSources,
  store: MediaStore,
  leaseMs: number,
): EffectHandler<EffectOf<'effect.media.store'>> {
  return {
    provider: 'whatsapp',
    maxAttempts: MEDIA_MAX_ATTEMPTS,
    async execute(ctx) {
      const { effect } = ctx;
      const attachment = await ensureAttachment(db, {
        leadId: ctx.leadId,
        studioId: ctx.studio.id,
        messageId: effect.messageId,
        mediaId: effect.mediaId,
        outboxId: ctx.outboxId,
        purpose: effect.purpose,
        mimeType: effect.mimeType,
        sha256: effect.sha256,
        now: ctx.now,
      });
      if (attachment.status !== 'PENDING')
        return {
          result: { attachmentId: attachment.id, status: attachment.status, reason: attachment.reason },
        };
      await leaseAttachment(db, attachment.id, ctx.now, leaseMs);

      const source = sources[effect.provider ?? 'meta'];
      if (!source)
        throw permanent(`no media source for ${effect.provider ?? 'meta'}`, { reason: 'unsupported_source' });
      const fetched = await source(effect);
      const { bytes, mimeType, kind } = fetched;
      if (bytes.length === 0) throw permanent('empty media file', { reason: 'empty' });
      if (bytes.length > kind.maxBytes)
        throw permanent(`${bytes.length} bytes is over the ${kind.maxBytes} limit`, { reason: 'too_large' });
      const expected = fetched.sha256 ?? effect.sha256;
      if (expected && !sha256Matches(bytes, expected))
        throw permanent('downloaded bytes do not match the sha256', { reason: 'sha256_mismatch' });

      const storageKey = `${ctx.studio.id}/${ctx.leadId}/${attachment.id}.${kind.extension}`;
      await store.put(storageKey, bytes, mimeType);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await markUploaded(db, attachment.id, { storageKey, mimeType, size: bytes.length, sha256 }, ctx.now);
      return { result: { attachmentId: attachment.id, status: 'UPLOADED', storageKey, size: bytes.length } };
    },
    async onRetry(ctx, error, nextAttemptAt) {
      await db
        .selectFrom('attachments')
        .select('id')
        .where('lead_id', '=', ctx.leadId)
        .where('media_id', '=', ctx.effect.mediaId)
        .executeTakeFirst()
        .then((row) => row && markRetry(db, row.id, error.reason, nextAttemptAt, ctx.now));
    },
    async onFailure(ctx, error, exhausted) {
      const reason = exhausted ? 'download_failed' : error.reason;
      const row = await db
        .selectFrom('attachments')
        .select('id')
        .where('lead_id', '=', ctx.leadId)
        .where('media_id', '=', ctx.effect.mediaId)
        .executeTakeFirst();
      if (row) await markFailed(db, row.id, reason, ctx.now);
      // The lead's conversation does not wait on media: the row's status is the outcome, the event tells ops.
      return {
        feedback: null,
        systemEvent: {
          level: 'warn',
          type: 'media.failed',
          payload: { mediaId: ctx.effect.mediaId, reason },
        },
      };
    },
  };
}
