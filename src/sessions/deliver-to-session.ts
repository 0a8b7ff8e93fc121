// Delivery on the web, app and api channels: an outbound message is delivered when it is stored in its
// session (what the messages list and the SSE stream read) and announced on the session's live topic.
// Stored once per outbox row (a retried delivery finds it stored and changes nothing).
import type { Bus } from '../bus/bus.ts';
import type { OutboundMessage } from '../domain/effects.ts';
import type { Db } from '../persistence/database.ts';
import { appendSessionMessage } from './session-messages.ts';
import { renderForSession } from './session-render.ts';
import { findSession } from './session-store.ts';
import { announceSessionMessage } from './session-stream.ts';

export class UnknownSessionError extends Error {
  override name = 'UnknownSessionError';
}

/** The session message id of an outbox row's message. */
export function outboundMessageId(outboxId: string): string {
  return `out_${outboxId.replaceAll('-', '')}`;
}

export async function deliverToSession(
  deps: { db: Db; bus: Bus },
  input: { outboxId: string; leadId: string; sessionId: string; message: OutboundMessage; now: Date },
): Promise<{ messageId: string }> {
  const messageId = outboundMessageId(input.outboxId);
  const stored = await appendSessionMessage(deps.db, {
    sessionId: input.sessionId,
    leadId: input.leadId,
    messageId,
    direction: 'out',
    body: renderForSession(input.message),
    at: input.now,
  });
  if (stored) {
    announceSessionMessage(deps.bus, input.sessionId, stored);
    return { messageId };
  }
  // Nothing stored: stored before (a retried delivery), or no session of this lead to store it in.
  const session = await findSession(deps.db, input.sessionId);
  if (session?.leadId !== input.leadId) {
    throw new UnknownSessionError(`lead ${input.leadId} has no session ${input.sessionId}`);
  }
  return { messageId };
}
