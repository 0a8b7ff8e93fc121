// The adapter of the web, app and api channels, whose provider is Leadline itself: an outbound message is
// delivered when it is stored in the lead's session and announced on the session's live stream
// (src/sessions/deliver-to-session.ts); its transcript entry becomes `delivered` with the session message
// id. A session that does not exist, or is another lead's, fails the effect for good.
import { permanent } from '../../effects/effect-errors.ts';
import { markTranscriptSent } from '../../effects/transcript-sent.ts';
import { deliverToSession, UnknownSessionError } from '../../sessions/deliver-to-session.ts';
import type { ChannelAdapterFactory } from '../channel-adapter.ts';

export const sessionAdapter: ChannelAdapterFactory = (deps) => ({
  provider: 'database',
  async execute(ctx) {
    let messageId: string;
    try {
      ({ messageId } = await deliverToSession(
        { db: deps.db, bus: deps.bus },
        {
          outboxId: ctx.outboxId,
          leadId: ctx.leadId,
          sessionId: ctx.effect.to,
          message: ctx.effect.message,
          now: ctx.now,
        },
      ));
    } catch (error) {
      if (error instanceof UnknownSessionError) throw permanent(error.message);
      throw error;
    }
    await markTranscriptSent(deps.db, ctx.outboxId, {
      providerMessageId: messageId,
      deliveryStatus: 'delivered',
    });
    return { result: { sessionMessageId: messageId, deliveryStatus: 'delivered' } };
  },
  onFailure(ctx, error) {
    return Promise.resolve({
      feedback: {
        type: 'message.send_failed',
        channel: ctx.effect.channel,
        code: null,
        reason: error.message,
        outsideWindow: false,
        recipientOptedOut: false,
      },
    });
  },
});
