// effect.message.send on the WhatsApp channel (the WhatsApp channel adapter, src/channels/whatsapp) → Graph
// API message from the studio's number (or the sandbox's record of it). The returned wamid is stored on the outbound transcript row written with this outbox id, so delivery statuses
// can find it later.
import type { OutboundMessage } from '../../domain/effects.ts';
import { sql } from 'kysely';
import type { Db } from '../../persistence/database.ts';
import { sameTurnBatch, type BatchedCall } from '../same-turn-batch.ts';
import type { EffectFeedback, EffectHandler, EffectOf } from '../effect-handler.ts';
import type { Delivery, SendFn } from '../sandbox/sandbox.ts';

const sentMarkers = new WeakMap<Db, BatchedCall<{ outboxId: string; delivery: Delivery }, void>>();

/**
 * Stores the provider's id and first status on the outbound transcript row of `outboxId` (once: a row
 * with a status already keeps it). Sends finishing together share one statement (same-turn-batch.ts).
 */
export function markTranscriptSent(db: Db, outboxId: string, delivery: Delivery): Promise<void> {
  let mark = sentMarkers.get(db);
  if (!mark) {
    mark = sameTurnBatch(async (batch) => {
      await sql`
        update transcript as t
           set provider_message_id = v.provider_message_id, delivery_status = v.delivery_status
          from unnest(${batch.map((b) => b.outboxId)}::uuid[],
                      ${batch.map((b) => b.delivery.providerMessageId)}::text[],
                      ${batch.map((b) => b.delivery.deliveryStatus)}::text[])
               as v(outbox_id, provider_message_id, delivery_status)
         where t.outbox_id = v.outbox_id and t.delivery_status is null`.execute(db);
      return batch.map(() => undefined);
    });
    sentMarkers.set(db, mark);
  }
  return mark({ outboxId, delivery });
}

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
      await db
        .updateTable('transcript')
        .set({ delivery_status: 'failed' })
        .where('outbox_id', '=', ctx.outboxId)
        .execute();
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
