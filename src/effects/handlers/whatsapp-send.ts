// effect.message.send on the WhatsApp channel (the WhatsApp channel adapter, src/channels/whatsapp) → Graph
// API message from the studio's number (or the sandbox's record of it). The returned wamid is stored on the outbound transcript row written with this outbox id, so delivery statuses
// can find it later.
import type { OutboundMessage } from '../../domain/effects.ts';
import type { Db } from '../../persistence/database.ts';
import { recordSendFailed } from '../../persistence/delivery-status.ts';
import { markTranscriptSent } from '../transcript-sent.ts';
import type { EffectFeedback, EffectHandler, EffectOf } from '../effect-handler.ts';
import type { SendFn } from '../sandbox/sandbox.ts';

export function whatsappSendHandler(
  db: Db,
  send: SendFn<OutboundMessage>,
): EffectHandler<EffectOf<'effect.message.send'>> {
  return {
    provider: 'whatsapp',
    rateLimitKey: (ctx) => `whatsapp:${ctx.studio.whatsapp.phoneNumberId}`,
    async execute(ctx) {
      const delivery = await send(
        { studioId: ctx.studio.id, leadId: ctx.leadId, outboxId: ctx.outboxId },
        ctx.effect.from ?? ctx.studio.whatsapp.phoneNumberId,
        ctx.effect.to,
        ctx.effect.message,
      );
      await markTranscriptSent(db, ctx.outboxId, delivery);
      return { result: { wamid: delivery.providerMessageId, deliveryStatus: delivery.deliveryStatus } };
    },
    async onFailure(ctx, error) {
      await recordSendFailed(db, ctx.outboxId);
      const outsideWindow = error.reason === 'outside_window';
      const feedback: EffectFeedback = {
        type: 'message.send_failed',
        channel: 'whatsapp',
        code: typeof error.code === 'number' ? error.code : null,
        reason: error.message,
        outsideWindow,
        recipientOptedOut: false,
      };
      // A closed window is an expected business outcome (the machine falls back to a template), not an outage.
      return outsideWindow
        ? { feedback, systemEvent: { level: 'warn', type: 'whatsapp.outside_window', payload: {} } }
        : { feedback };
    },
  };
}
