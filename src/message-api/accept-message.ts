// POST /{api,app,web}/messages after the route checked the body and the channel's access: who wrote
// (identity, guests), which session (open or continue: one statement), the idempotency claim and the
// inbound session message (one statement), then the envelope onto the lead's ordered stream and a wait on
// the reply path for the actor's commit. The answer is built from what the actor committed (200), or 202
// past the reply timeout; a repeat of the request id is answered from the claim (409). The wait is not
// tied to the client's connection: a client that went away still gets its claim finished and its replies
// stored.
import { randomBytes } from 'node:crypto';
import type { Bus } from '../bus/bus.ts';
import type { CommitNotice } from '../domain/commit-notice.ts';
import { GatewayError } from '../gateway/errors.ts';
import { publishAccepted } from '../gateway/publish.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Db } from '../persistence/database.ts';
import { continueOrOpenSession, type SessionChannel } from '../sessions/session-store.ts';
import { announceSessionMessage } from '../sessions/session-stream.ts';
import type { Studio } from '../studio/studio-schema.ts';
import { channelAccess } from './channel-access.ts';
import { committedReplies, isDeadLettered, isProcessed, type Committed } from './committed-replies.ts';
import type { AcceptedAnswer, MessageAnswer, MessageRequest } from './message-body.ts';
import { messageEnvelope } from './message-envelope.ts';
import { uploadForMessage } from './media-uploads.ts';
import { resolveLead } from '../identity/resolve-lead.ts';
import { identifiersOf, newGuestDeviceId } from './message-identity.ts';
import { orchestratorAnswers } from './orchestrator-answers.ts';
import type { ReplyWaiters } from './reply-waiters.ts';
import { claimRequest, existingClaim, finishClaim, type ExistingClaim } from './request-claims.ts';

/** How soon a repeat of an in-flight request should try again. */
export const IN_FLIGHT_RETRY_MS = 1_000;

export interface MessageApiDeps {
  db: Db;
  bus: Bus;
  metrics: Metrics;
  waiters: ReplyWaiters;
  clock: () => Date;
  replyTimeoutMs: number;
}

export type MessageOutcome = { status: 200; body: MessageAnswer } | { status: 202; body: AcceptedAnswer };

interface Accepted {
  leadId: string;
  sessionId: string;
  messageId: string;
  guestDeviceId: string | undefined;
}

function newMessageId(): string {
  return `msg_${randomBytes(16).toString('hex')}`;
}

async function answerOf(deps: MessageApiDeps, accepted: Accepted, traceId: string): Promise<MessageAnswer> {
  return answerFrom(accepted, await committedReplies(deps.db, accepted.leadId, accepted.messageId), traceId);
}

function answerFrom(accepted: Accepted, committed: Committed, traceId: string): MessageAnswer {
  return {
    data: {
      leadId: accepted.leadId,
      sessionId: accepted.sessionId,
      messageId: accepted.messageId,
      lead: committed.lead,
      replies: committed.replies,
      ...(accepted.guestDeviceId === undefined ? {} : { user: { deviceId: accepted.guestDeviceId } }),
    },
    traceId,
  };
}

function acceptedAnswer(accepted: Accepted, traceId: string): AcceptedAnswer {
  return {
    data: {
      messageId: accepted.messageId,
      sessionId: accepted.sessionId,
      status: 'accepted',
      ...(accepted.guestDeviceId === undefined ? {} : { user: { deviceId: accepted.guestDeviceId } }),
    },
    traceId,
  };
}

/**
 * A repeat of a claimed request id: the first answer, or how long to wait while it is in flight. In flight
 * ends: once applied the answer is built (and the claim finished) here; once the first request has given
 * its 202 (past the reply timeout: also when its gateway died) or the message became a dead letter, the
 * repeat gets that 202 answer, never "retry" for ever.
 */
async function repeated(deps: MessageApiDeps, claim: ExistingClaim, sessionId: string): Promise<never> {
  if (claim.response !== null) {
    throw new GatewayError('DUPLICATE_REQUEST', { details: { response: claim.response } });
  }
  const accepted: Accepted = {
    leadId: claim.leadId,
    sessionId,
    messageId: claim.messageId,
    guestDeviceId: claim.guestDeviceId,
  };
  const traceId = claim.envelope.traceId ?? '';
  if (await isProcessed(deps.db, claim.leadId, claim.envelope.id)) {
    // The first request's gateway did not finish the claim (it crashed, timed out or is about to).
    const answer = await answerOf(deps, accepted, traceId);
    await finishClaim(deps.db, claim.messageId, answer, deps.clock());
    throw new GatewayError('DUPLICATE_REQUEST', { details: { response: answer } });
  }
  if (await isDeadLettered(deps.db, claim.leadId, claim.envelope.id)) {
    throw new GatewayError('DUPLICATE_REQUEST', { details: { response: acceptedAnswer(accepted, traceId) } });
  }
  // Not applied yet, or its publisher died before publishing: the same envelope again is harmless.
  await deps.bus.publish(claim.envelope).catch(() => undefined);
  if (deps.clock().getTime() - claim.createdAt.getTime() > deps.replyTimeoutMs) {
    throw new GatewayError('DUPLICATE_REQUEST', { details: { response: acceptedAnswer(accepted, traceId) } });
  }
  throw new GatewayError('DUPLICATE_REQUEST', {
    message: 'This requestId is still being processed; retry after retryAfterMs',
    details: { retryAfterMs: IN_FLIGHT_RETRY_MS },
  });
}

function settled(notice: CommitNotice | null): boolean {
  return notice !== null && notice.outcome !== 'dead_lettered';
}

export async function acceptMessage(
  deps: MessageApiDeps,
  input: { studio: Studio; channel: SessionChannel; body: MessageRequest; traceId: string },
): Promise<MessageOutcome> {
  const { studio, channel, body } = input;
  const identifiers = identifiersOf(body.user);
  let guestDeviceId: string | undefined;
  if (identifiers.length === 0) {
    if (!channelAccess[channel].acceptsGuests(studio)) throw new GatewayError('IDENTITY_REQUIRED');
    guestDeviceId = newGuestDeviceId();
    identifiers.push({ type: 'deviceId', value: guestDeviceId });
  }
  const { leadId, identifiers: from } = await resolveLead(deps.db, studio.id, identifiers);
  const image =
    body.media === undefined ? undefined : await uploadForMessage(deps.db, studio.id, body.media.id);
  const messageId = newMessageId();
  const now = deps.clock();
  const traceId = body.traceId ?? input.traceId;

  // Two statements, each committing alone: the session (continued or opened), then the claim with the
  // inbound message. A session opened by a request that then fails is empty and harmless (the next
  // message continues it); the claim and its message are one statement.
  const { sessionId } = await continueOrOpenSession(deps.db, {
    studioId: studio.id,
    leadId,
    channel,
    now,
    timeoutMs: studio.sessionTimeout,
  });
  const envelope = messageEnvelope({
    messageId,
    leadId,
    studioId: studio.id,
    channel,
    from,
    text: body.text,
    ...(body.user?.language === undefined ? {} : { language: body.user.language }),
    image: image && { mediaId: image.id, mimeType: image.mime_type, sha256: image.sha256 },
    sessionId,
    requestId: body.requestId,
    now,
    traceId,
    replyTo: deps.waiters.topic,
  });
  const key = { studioId: studio.id, sessionId, requestId: body.requestId };
  const text = envelope.transcript?.text ?? '';
  const claimed = await claimRequest(deps.db, key, {
    messageId,
    leadId,
    envelope,
    now,
    guestDeviceId,
    inbound: image === undefined ? { kind: 'text', text } : { kind: 'image', mediaId: image.id, text },
  });
  if (!claimed.won) {
    const claim = await existingClaim(deps.db, key);
    if (claim === undefined) {
      throw new GatewayError('DUPLICATE_REQUEST', { details: { retryAfterMs: IN_FLIGHT_RETRY_MS } });
    }
    return repeated(deps, claim, sessionId);
  }
  if (claimed.inbound) announceSessionMessage(deps.bus, sessionId, claimed.inbound);

  // Wall time, not the injected clock: the reply timeout is how long this request may wait.
  const deadline = Date.now() + deps.replyTimeoutMs;
  const notice = deps.waiters.expect(envelope.id, deps.replyTimeoutMs);
  await publishAccepted(deps, 'message_api', [envelope]);
  const accepted: Accepted = { leadId, sessionId, messageId, guestDeviceId };
  if (!settled(await notice)) return { status: 202, body: acceptedAnswer(accepted, traceId) };
  // What the commit wrote, read once; again only after the orchestrator's answers (they add replies).
  let committed = await committedReplies(deps.db, leadId, messageId);
  if (committed.asks.length > 0) {
    if (!(await orchestratorAnswers(deps, leadId, committed.asks, deadline))) {
      return { status: 202, body: acceptedAnswer(accepted, traceId) };
    }
    committed = await committedReplies(deps.db, leadId, messageId);
  }
  const answer = answerFrom(accepted, committed, traceId);
  await finishClaim(deps.db, messageId, answer, deps.clock());
  return { status: 200, body: answer };
}
