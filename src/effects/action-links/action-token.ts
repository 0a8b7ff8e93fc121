// Artist action links: `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>` keyed by ACTION_LINK_SECRET.
// The payload names the lead, the action, the expiry and a nonce; the approve and reject links of one
// notification share the nonce, so the pair is one decision: whichever is used first wins.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { signToken, verifyToken } from '../signed-token.ts';

export const actionSchema = z.enum(['approve', 'reject']);
export type ArtistAction = z.infer<typeof actionSchema>;

const payloadSchema = z.object({
  leadId: z.string().min(1),
  action: actionSchema,
  /** Expiry, unix milliseconds. */
  exp: z.number().int(),
  nonce: z.string().min(8),
});
export type ActionTokenPayload = z.infer<typeof payloadSchema>;

export const DEFAULT_ACTION_LINK_TTL_MS = 7 * 86_400_000;

const PURPOSE = 'action-link';

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function createActionToken(payload: ActionTokenPayload, secret: string): string {
  return signToken(payload, secret, PURPOSE);
}

export type TokenCheck =
  | { ok: true; payload: ActionTokenPayload }
  | { ok: false; reason: 'tampered' | 'expired'; payload?: ActionTokenPayload };

export function verifyActionToken(token: string, secret: string, now: Date): TokenCheck {
  const json = verifyToken(token, secret, PURPOSE);
  if (json === undefined) return { ok: false, reason: 'tampered' };
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'tampered' };
  if (parsed.data.exp <= now.getTime()) return { ok: false, reason: 'expired', payload: parsed.data };
  return { ok: true, payload: parsed.data };
}

/** The approve + reject tokens of one artist notification (the part of each link after `/a/`). */
export function actionLinkTokens(input: {
  leadId: string;
  secret: string;
  now: Date;
  ttlMs?: number;
  nonce?: string;
}): Record<ArtistAction, string> {
  const exp = input.now.getTime() + (input.ttlMs ?? DEFAULT_ACTION_LINK_TTL_MS);
  const nonce = input.nonce ?? newNonce();
  const token = (action: ArtistAction) =>
    createActionToken({ leadId: input.leadId, action, exp, nonce }, input.secret);
  return { approve: token('approve'), reject: token('reject') };
}
