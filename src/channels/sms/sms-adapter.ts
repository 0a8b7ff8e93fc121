// The SMS channel adapter: `effect.message.send` on channel `sms` goes out from the studio's SMS number the
// lead wrote to (the effect's `from`; anything else from the studio's first number), through that number's
// provider (Twilio or OpenPhone). The provider's id is stored on the outbound transcript entry, so status
// callbacks find it. Refusals: Twilio 21610 (the recipient texted STOP) is `message.send_failed` with
// `recipientOptedOut` (the lead becomes OPTED_OUT, nothing retries); 429 and 5xx are retried with the
// relay's backoff by the clients' classification; any other 4xx fails at once with the provider's code. A
// template goes as the studio's body for it (`templateBodies`); without one it is not sent at all (never as
// its name): the send fails at once (`template_body_missing`), the lead hears `message.send_failed` and
// goes on, and an `sms.template_not_sent` system event names the template.
import type { EffectContext, EffectFailure } from '../../effects/effect-handler.ts';
import { DeferredEffect, permanent } from '../../effects/effect-errors.ts';
import { markTranscriptSent } from '../../effects/transcript-sent.ts';
import type { SendFn } from '../../effects/sandbox/sandbox.ts';
import { recordSendFailed } from '../../persistence/delivery-status.ts';
import type { SmsNumber, Studio } from '../../studio/studio-schema.ts';
import { templateBody } from '../../studio/template-bodies.ts';
import type { ChannelAdapterFactory, MessageSendEffect } from '../channel-adapter.ts';
import { openphoneSend } from './openphone-adapter.ts';
import { renderSms, smsSendDecision } from './policy.ts';
import { twilioSend } from './twilio-adapter.ts';

/** The studio number a send leaves from: the one named (the lead wrote to it), else the first. */
export function smsSender(studio: Studio, from: string | undefined): SmsNumber {
  const numbers = studio.sms ?? [];
  const chosen = numbers.find((entry) => entry.number === from) ?? numbers[0];
  if (chosen === undefined)
    throw permanent(`studio ${studio.id} has no SMS number`, { reason: 'not_configured' });
  return chosen;
}

/** Why a template was not sent by SMS: the studio has no body for it (`templateBodies`). */
export const TEMPLATE_BODY_MISSING = 'template_body_missing';

/** Twilio's documented rate for a US long code; a number's `messagesPerSecond` overrides it. */
export const DEFAULT_SMS_PER_SECOND = 1;

/** The number a send would leave from, or undefined when the studio has none (execute refuses it). */
function senderOf(ctx: EffectContext<MessageSendEffect>): SmsNumber | undefined {
  const numbers = ctx.studio.sms ?? [];
  return numbers.find((entry) => entry.number === ctx.effect.from) ?? numbers[0];
}

export const smsAdapter: ChannelAdapterFactory = (deps) => {
  const senders: Record<SmsNumber['provider'], SendFn<string>> = {
    twilio: twilioSend(deps),
    openphone: openphoneSend(deps),
  };
  return {
    provider: 'twilio',
    // Paced per sending number (carriers meter each number; default 1/s, a US long code), cluster-wide.
    rateLimitKey: (ctx) => {
      const sender = senderOf(ctx);
      return sender === undefined ? undefined : `sms:${sender.provider}:${sender.number}`;
    },
    ratePerSecond: (ctx) => senderOf(ctx)?.messagesPerSecond ?? DEFAULT_SMS_PER_SECOND,
    // A circuit per provider and number: one number's outage or suspension does not stop the others.
    breakerKey: (ctx) => {
      const sender = senderOf(ctx);
      return sender === undefined ? 'sms' : `${sender.provider}:${sender.number}`;
    },
    async execute(ctx) {
      const { message } = ctx.effect;
      const body = renderSms(message, (name, language) => templateBody(ctx.studio, name, language));
      if (body === null) {
        const which = message.kind === 'template' ? `${message.name} (${message.language})` : message.kind;
        throw permanent(`template ${which} has no SMS text in templateBodies: not sent`, {
          reason: TEMPLATE_BODY_MISSING,
        });
      }
      // The SMS policy decides the timing: quiet hours defer anything that is not a direct reply.
      const decision = smsSendDecision({
        studio: ctx.studio,
        inReplyTo: ctx.effect.inReplyTo,
        now: ctx.now,
      });
      if (decision.kind === 'defer') throw new DeferredEffect(new Date(decision.until), 'quiet hours');
      if (decision.kind === 'refuse') throw permanent(decision.reason, { reason: 'not_configured' });
      const sender = smsSender(ctx.studio, ctx.effect.from);
      const from = sender.provider === 'openphone' ? sender.phoneNumberId : sender.number;
      const delivery = await senders[sender.provider](
        { studioId: ctx.studio.id, leadId: ctx.leadId, outboxId: ctx.outboxId },
        from,
        ctx.effect.to,
        body,
      );
      await markTranscriptSent(deps.db, ctx.outboxId, delivery);
      return {
        result: {
          provider: sender.provider,
          from: sender.number,
          providerMessageId: delivery.providerMessageId,
          deliveryStatus: delivery.deliveryStatus,
        },
      };
    },
    async onFailure(ctx, error): Promise<EffectFailure> {
      await recordSendFailed(deps.db, ctx.outboxId);
      const recipientOptedOut = error.reason === 'opted_out';
      const code = typeof error.code === 'number' || typeof error.code === 'string' ? error.code : null;
      const feedback = {
        type: 'message.send_failed' as const,
        channel: 'sms' as const,
        code,
        reason: error.message,
        outsideWindow: false,
        recipientOptedOut,
      };
      const { message } = ctx.effect;
      if (error.reason === TEMPLATE_BODY_MISSING && message.kind === 'template') {
        const payload = { template: message.name, language: message.language, cause: error.message };
        return { feedback, systemEvent: { level: 'warn', type: 'sms.template_not_sent', payload } };
      }
      // The recipient's own STOP is an outcome the lead's actor handles (OPTED_OUT), not an outage.
      return recipientOptedOut
        ? { feedback, systemEvent: { level: 'info', type: 'sms.send_refused', payload: { code } } }
        : { feedback };
    },
  };
};
