// POST /api/broadcast after the route checked the body and the key: the same text to up to 100 leads of a
// studio, each through its own actor. Every lead of the studio gets the admin `message.send` control
// event (the console's "send a message") on its ordered stream, so the actor applies the channel's rules
// as for any message it sends: nothing to an opted-out lead, WhatsApp's template outside the 24-hour
// window (the text held for the lead's reply), SMS deferred to the end of quiet hours, on the lead's own
// channel. The gateway waits on the reply path for the actors' commits (up to the reply timeout) and
// answers per lead from what each committed (broadcast-results.ts): 200 once all committed, 202 with the
// leads still pending past the timeout. Idempotent per (studio, requestId) for 24 h (broadcast-claims.ts).
import { randomBytes } from 'node:crypto';
import type { Envelope } from '../domain/envelope.ts';
import { GatewayError } from '../gateway/errors.ts';
import { publishAccepted } from '../gateway/publish.ts';
import type { Studio } from '../studio/studio-schema.ts';
import type { MessageApiDeps } from './accept-message.ts';
import {
  broadcastAnswerSchema,
  foldLeadIds,
  type BroadcastAnswer,
  type BroadcastRequest,
} from './broadcast-body.ts';
import {
  claimBroadcast,
  existingBroadcast,
  finishBroadcast,
  type BroadcastClaim,
} from './broadcast-claims.ts';
import { broadcastEnvelopeId, committedFates, resultOf, studioLeads } from './broadcast-results.ts';

/** How soon a repeat of a broadcast still in flight should try again. */
const IN_FLIGHT_RETRY_MS = 1_000;

export type BroadcastOutcome = { status: 200 | 202; body: BroadcastAnswer };

function newBroadcastId(): string {
  return `bc_${randomBytes(16).toString('hex')}`;
}

/** The same envelope for a lead whoever publishes it (the winner, or a repeat): applied once. */
function envelopeFor(claim: BroadcastClaim, studioId: string, leadId: string, replyTo?: string): Envelope {
  const at = claim.createdAt.toISOString();
  return {
    id: broadcastEnvelopeId(claim.broadcastId, leadId),
    leadId,
    actorType: 'lead',
    studioId,
    acceptedAt: at,
    ...(claim.traceId === '' ? {} : { traceId: claim.traceId }),
    ...(replyTo === undefined ? {} : { replyTo }),
    event: { type: 'message.send', at, text: claim.text },
  };
}

/** The answer as committed now; `final` when no lead is pending. */
async function answerOf(
  deps: MessageApiDeps,
  claim: BroadcastClaim,
): Promise<{ final: boolean; body: BroadcastAnswer; pendingIds: string[] }> {
  const fates = await committedFates(deps.db, claim);
  const results = fates.map(resultOf);
  const pendingIds = results.filter((r) => r.error === 'PENDING').map((r) => r.leadId);
  const successful = results.filter((r) => r.success).length;
  const final = pendingIds.length === 0;
  return {
    final,
    pendingIds,
    body: {
      data: {
        broadcastId: claim.broadcastId,
        summary: {
          total: results.length,
          successful,
          failed: results.length - successful - pendingIds.length,
          ...(final ? {} : { pending: pendingIds.length }),
        },
        results,
      },
      traceId: claim.traceId,
    },
  };
}

/** Stores a final answer and returns the stored one (a concurrent finisher may have stored it first). */
async function finished(deps: MessageApiDeps, claim: BroadcastClaim, body: BroadcastAnswer) {
  await finishBroadcast(deps.db, claim.broadcastId, body, deps.clock());
  const stored = await existingBroadcast(deps.db, claim);
  return stored?.response ? broadcastAnswerSchema.parse(stored.response) : body;
}

/**
 * A repeat of a claimed request id: the final answer once every target committed (finishing the claim
 * when its first request could not); while in flight the same envelopes again (harmless) and how long to
 * wait, or, once the first request has given its answer (past the reply timeout), the answer as it stands.
 */
async function repeated(deps: MessageApiDeps, claim: BroadcastClaim, studio: Studio): Promise<never> {
  if (claim.response !== null) {
    throw new GatewayError('DUPLICATE_REQUEST', { details: { response: claim.response } });
  }
  const answer = await answerOf(deps, claim);
  if (answer.final) {
    throw new GatewayError('DUPLICATE_REQUEST', {
      details: { response: await finished(deps, claim, answer.body) },
    });
  }
  const envelopes = answer.pendingIds.map((leadId) => envelopeFor(claim, studio.id, leadId));
  await publishAccepted(deps, 'message_api', envelopes).catch(() => undefined);
  const age = deps.clock().getTime() - claim.createdAt.getTime();
  if (age > deps.replyTimeoutMs) {
    throw new GatewayError('DUPLICATE_REQUEST', { details: { response: answer.body } });
  }
  throw new GatewayError('DUPLICATE_REQUEST', {
    message: 'This requestId is still being processed; retry after retryAfterMs',
    details: { retryAfterMs: IN_FLIGHT_RETRY_MS },
  });
}

export async function acceptBroadcast(
  deps: MessageApiDeps,
  input: { studio: Studio; body: BroadcastRequest; traceId: string },
): Promise<BroadcastOutcome> {
  const { studio, body } = input;
  const leadIds = foldLeadIds(body.leadIds);
  const found = await studioLeads(deps.db, studio.id, leadIds);
  const claim: BroadcastClaim = {
    studioId: studio.id,
    requestId: body.requestId,
    broadcastId: newBroadcastId(),
    leadIds,
    targetIds: leadIds.filter((id) => found.has(id)),
    text: body.text,
    traceId: body.traceId ?? input.traceId,
    createdAt: deps.clock(),
    response: null,
  };
  if (!(await claimBroadcast(deps.db, claim))) {
    const existing = await existingBroadcast(deps.db, claim);
    if (existing === undefined) {
      throw new GatewayError('DUPLICATE_REQUEST', { details: { retryAfterMs: IN_FLIGHT_RETRY_MS } });
    }
    return repeated(deps, existing, studio);
  }

  const envelopes = claim.targetIds.map((leadId) =>
    envelopeFor(claim, studio.id, leadId, deps.waiters.topic),
  );
  // Every waiter before the first publish, so no notice comes too early; they share one deadline.
  const notices = envelopes.map((envelope) => deps.waiters.expect(envelope.id, deps.replyTimeoutMs));
  await publishAccepted(deps, 'message_api', envelopes);
  await Promise.all(notices);
  const answer = await answerOf(deps, claim);
  if (!answer.final) return { status: 202, body: answer.body };
  return { status: 200, body: await finished(deps, claim, answer.body) };
}
