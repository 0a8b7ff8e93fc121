// What an artist writes to the studio number. Artists are never leads: each message is kept in
// artist_messages (its time opens the artist's 24-hour window, so notifications can go free-form), and a
// reply that says "approve" or "reject" acts like the matching action link of the notification it answers
// — the one it quotes (WhatsApp's reply context), else the artist's latest approval request whose lead
// still waits. It shares the link's single-use nonce (the first notification's outbox id, which its
// fallbacks on other channels carry as `linksNonce`) and envelope id
// (`action:<nonce>`), so a link and a reply for one request act once between them.
import { sql } from 'kysely';
import type { Bus } from '../../bus/bus.ts';
import type { Db } from '../../persistence/database.ts';
import type { ArtistAction } from './action-token.ts';
import { claimDecision } from './use-action-link.ts';

export interface ArtistMessage {
  studioId: string;
  artistId: string;
  /** The provider's message id (wamid): a redelivered webhook is recorded and acted on once. */
  messageId: string;
  sentAt: Date;
  text: string | null;
  /** The channel it came on (an SMS to a studio number does not open the artist's WhatsApp window). */
  channel: 'whatsapp' | 'sms';
  /** The message id the artist replied to (WhatsApp `context.id`), when they used "reply". */
  inReplyTo?: string;
}

export type ArtistReplyOutcome =
  | { kind: 'duplicate' }
  | { kind: 'recorded' }
  | { kind: 'no_pending_request'; action: ArtistAction }
  | { kind: 'already_decided'; action: ArtistAction; leadId: string }
  | { kind: 'accepted'; action: ArtistAction; leadId: string };

// Only unmistakable words: "no problem" or "ok, call me" must not decide a lead.
const APPROVE = /^(approve|approved|accept|accepted)\b/iu;
const REJECT = /^(reject|rejected|decline|declined)\b/iu;

/** "Approve", "approved!", "👍" → approve; "reject", "Declined." , "👎" → reject; anything else is a message. */
export function artistDecision(text: string | null): ArtistAction | null {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '👍') return 'approve';
  if (trimmed === '👎') return 'reject';
  if (APPROVE.test(trimmed)) return 'approve';
  if (REJECT.test(trimmed)) return 'reject';
  return null;
}

interface Request {
  /** The links' nonce: the first notification's outbox id (a fallback on another channel shares it). */
  nonce: string;
  leadId: string;
  studioId: string;
}

/** The approval request a reply answers: the quoted notification, else the latest one still pending. */
async function requestAnswered(db: Db, message: ArtistMessage): Promise<Request | undefined> {
  const base = db
    .selectFrom('outbox')
    .innerJoin('leads', 'leads.id', 'outbox.lead_id')
    .select([
      sql<string>`coalesce(outbox.payload->>'linksNonce', outbox.id::text)`.as('nonce'),
      'outbox.lead_id as leadId',
      'leads.studio_id as studioId',
    ])
    .where('outbox.kind', '=', 'effect.artist.notify')
    .where('leads.studio_id', '=', message.studioId)
    .where((eb) => eb(eb.ref('outbox.payload', '->>').key('withActionLinks'), '=', 'true'))
    .where((eb) => eb(eb.ref('outbox.payload', '->>').key('artistId'), '=', message.artistId));
  if (message.inReplyTo !== undefined) {
    const quoted = await base
      .where((eb) => eb(eb.ref('outbox.result', '->>').key('wamid'), '=', message.inReplyTo ?? ''))
      .executeTakeFirst();
    if (quoted) return quoted;
  }
  return base
    .where('leads.status', '=', 'PENDING_APPROVAL')
    .orderBy('outbox.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function recordArtistMessage(input: {
  db: Db;
  bus: Bus;
  message: ArtistMessage;
  now: Date;
  traceId?: string;
}): Promise<ArtistReplyOutcome> {
  const { db, message } = input;
  const recorded = await db
    .insertInto('artist_messages')
    .values({
      provider_message_id: message.messageId,
      studio_id: message.studioId,
      artist_id: message.artistId,
      sent_at: message.sentAt,
      received_at: input.now,
      text: message.text,
      channel: message.channel,
    })
    .onConflict((oc) => oc.column('provider_message_id').doNothing())
    .returning('provider_message_id')
    .executeTakeFirst();
  if (!recorded) return { kind: 'duplicate' };
  const action = artistDecision(message.text);
  if (action === null) return { kind: 'recorded' };
  const request = await requestAnswered(db, message);
  if (!request) return { kind: 'no_pending_request', action };

  const decided = await claimDecision({
    db,
    bus: input.bus,
    nonce: request.nonce,
    leadId: request.leadId,
    studioId: request.studioId,
    action,
    now: input.now,
    ...(input.traceId === undefined ? {} : { traceId: input.traceId }),
    onClaimed: async (tx) => {
      await tx
        .updateTable('artist_messages')
        .set({ lead_id: request.leadId, action })
        .where('provider_message_id', '=', message.messageId)
        .execute();
    },
  });
  return decided.kind === 'accepted'
    ? { kind: 'accepted', action, leadId: request.leadId }
    : { kind: 'already_decided', action: decided.action, leadId: request.leadId };
}
