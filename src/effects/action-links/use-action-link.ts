// Using an artist action link: verify the signature and expiry, record the nonce (single use: the insert
// is the check), and enqueue `artist.approve` / `artist.reject` on the lead's ordered stream with envelope
// id `action:<nonce>`. The nonce row and the publish share a transaction: if the bus refuses, the link
// stays usable; if the commit fails after a publish, a second click re-publishes the same id (deduped).
import type { Bus } from '../../bus/bus.ts';
import type { Envelope } from '../../domain/envelope.ts';
import type { Db, Tx } from '../../persistence/database.ts';
import { verifyActionToken, type ArtistAction } from './action-token.ts';

export type ActionLinkOutcome =
  | { kind: 'accepted'; action: ArtistAction; leadId: string }
  | { kind: 'already_used'; action: ArtistAction }
  | { kind: 'expired' }
  | { kind: 'tampered' }
  | { kind: 'unknown_lead' };

export type ActionLinkPreview =
  | { kind: 'valid'; action: ArtistAction; leadId: string; leadName: string | null }
  | Exclude<ActionLinkOutcome, { kind: 'accepted' }>;

/**
 * What using the link would do, without doing it: GET (and HEAD, which link-preview fetchers send) must
 * never act, so the confirmation page is built from this read-only check and only POST calls useActionLink.
 */
export async function previewActionLink(input: {
  db: Db;
  secret: string;
  token: string;
  now: Date;
}): Promise<ActionLinkPreview> {
  const check = verifyActionToken(input.token, input.secret, input.now);
  if (!check.ok) return { kind: check.reason };
  const { leadId, action, nonce } = check.payload;
  const lead = await input.db.selectFrom('leads').select('name').where('id', '=', leadId).executeTakeFirst();
  if (!lead) return { kind: 'unknown_lead' };
  const used = await input.db
    .selectFrom('action_tokens')
    .select('action')
    .where('nonce', '=', nonce)
    .executeTakeFirst();
  if (used) return { kind: 'already_used', action: used.action as ArtistAction };
  return { kind: 'valid', action, leadId, leadName: lead.name };
}

export async function useActionLink(input: {
  db: Db;
  bus: Bus;
  secret: string;
  token: string;
  now: Date;
  traceId?: string;
}): Promise<ActionLinkOutcome> {
  const check = verifyActionToken(input.token, input.secret, input.now);
  if (!check.ok) return { kind: check.reason };
  const { leadId, action, nonce } = check.payload;
  const lead = await input.db
    .selectFrom('leads')
    .select('studio_id')
    .where('id', '=', leadId)
    .executeTakeFirst();
  if (!lead) return { kind: 'unknown_lead' };

  const decided = await claimDecision({ ...input, nonce, leadId, studioId: lead.studio_id, action });
  return decided.kind === 'accepted' ? { kind: 'accepted', action, leadId } : decided;
}

/**
 * The one decision of an approval request (its nonce): record it (single use: the insert is the check) and
 * enqueue `artist.approve` / `artist.reject` with envelope id `action:<nonce>`, in one transaction. Used by
 * the action links and by artists' replies, so a link and a reply for one request decide it once.
 */
export async function claimDecision(input: {
  db: Db;
  bus: Bus;
  nonce: string;
  leadId: string;
  studioId: string;
  action: ArtistAction;
  now: Date;
  traceId?: string;
  /** Runs in the claiming transaction before the publish (e.g. to link the artist's reply to the lead). */
  onClaimed?: (tx: Tx) => Promise<void>;
}): Promise<{ kind: 'accepted' } | { kind: 'already_used'; action: ArtistAction }> {
  const { nonce, leadId, action } = input;
  return input.db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('action_tokens')
      .values({ nonce, lead_id: leadId, action })
      .onConflict((oc) => oc.column('nonce').doNothing())
      .returning('nonce')
      .executeTakeFirst();
    if (!inserted) {
      const used = await tx
        .selectFrom('action_tokens')
        .select('action')
        .where('nonce', '=', nonce)
        .executeTakeFirstOrThrow();
      return { kind: 'already_used' as const, action: used.action as ArtistAction };
    }
    await input.onClaimed?.(tx);
    const at = input.now.toISOString();
    const envelope: Envelope = {
      id: `action:${nonce}`,
      leadId,
      actorType: 'lead',
      studioId: input.studioId,
      acceptedAt: at,
      ...(input.traceId ? { traceId: input.traceId } : {}),
      event: { type: action === 'approve' ? 'artist.approve' : 'artist.reject', at },
    };
    await input.bus.publish(envelope);
    return { kind: 'accepted' as const };
  });
}
