// Short-lived signed URLs for stored attachments: `/media/<token>`, the token naming the attachment and
// its expiry, signed with ACTION_LINK_SECRET under its own purpose (a media token is not an action link).
import { z } from 'zod';
import { signToken, verifyToken } from '../signed-token.ts';

const PURPOSE = 'media-url';
export const MEDIA_URL_TTL_MS = 5 * 60_000;

const payloadSchema = z.object({ attachmentId: z.string(), exp: z.number().int() });

export function mediaUrl(input: {
  attachmentId: string;
  baseUrl: string;
  secret: string;
  now: Date;
  ttlMs?: number;
}): { url: string; expiresAt: string } {
  const exp = input.now.getTime() + (input.ttlMs ?? MEDIA_URL_TTL_MS);
  const token = signToken({ attachmentId: input.attachmentId, exp }, input.secret, PURPOSE);
  return {
    url: `${input.baseUrl.replace(/\/+$/, '')}/media/${token}`,
    expiresAt: new Date(exp).toISOString(),
  };
}

/** The attachment id of a valid, unexpired media token; undefined otherwise. */
export function verifyMediaToken(token: string, secret: string, now: Date): string | undefined {
  const parsed = payloadSchema.safeParse(verifyToken(token, secret, PURPOSE));
  if (!parsed.success || parsed.data.exp <= now.getTime()) return undefined;
  return parsed.data.attachmentId;
}
