// The handler for each outbox effect kind, wired to the provider clients built from the environment;
// `effect.message.send` goes to the adapter of its channel (src/channels/adapters.ts). Outside production a
// provider with no credentials is the sandbox (src/effects/sandbox): WhatsApp sends are recorded in
// sandbox_messages and Stripe checkouts are local sessions, all succeeding with no error.
import { createChannelAdapters } from '../channels/adapters.ts';
import { openphoneSend } from '../channels/sms/openphone-adapter.ts';
import { twilioSend } from '../channels/sms/twilio-adapter.ts';
import type { OutboundMessage, OutboxEffect } from '../domain/effects.ts';
import { emailFrom, emailSender } from './email/email-sender.ts';
import type { ArtistSenders } from './handlers/artist-channels.ts';
import { permanent } from './effect-errors.ts';
import type { EffectHandler, EffectHandlers } from './effect-handler.ts';
import { artistNotifyHandler } from './handlers/artist-notify.ts';
import { bookingLoadTakenHandler } from './handlers/booking-load-taken.ts';
import { bookingReserveHandler } from './handlers/booking-reserve.ts';
import { depositCheckSessionHandler } from './handlers/deposit-check-session.ts';
import { depositCheckoutHandler } from './handlers/deposit-checkout.ts';
import type { HandlerDeps } from './handlers/handler-deps.ts';
import { mediaStoreHandler } from './handlers/media-store.ts';
import { orchestratorAskHandler } from './handlers/orchestrator-ask.ts';
import { openAiChat } from '../orchestrator/chat-client.ts';
import { mediaStoreFromEnv } from './media/media-store-from-env.ts';
import {
  graphMediaSource,
  openphoneMediaSource,
  twilioMediaSource,
  uploadMediaSource,
} from './media/media-sources.ts';
import { createOpenphoneClient } from './openphone/openphone-client.ts';
import { createTwilioClient } from './twilio/twilio-client.ts';
import { sandboxCheckoutHandler, sandboxCheckSessionHandler } from './sandbox/sandbox-deposit.ts';
import { sandboxRecorder, type SendFn } from './sandbox/sandbox.ts';
import { createStripeClient } from './stripe/stripe-client.ts';
import { createGraphClient } from './whatsapp/graph-client.ts';
import { whatsappSender } from './whatsapp/whatsapp-sender.ts';

/** The handler of one effect: its kind's, or for a message its channel's adapter (undefined: none). */
export type HandlerFor = (effect: OutboxEffect) => EffectHandler | undefined;

export function createEffectHandlers(deps: HandlerDeps): HandlerFor {
  const handlers = effectHandlers(deps);
  const adapters = createChannelAdapters({ ...deps, recorder: sandboxRecorderFor(deps) });
  return (effect) =>
    effect.type === 'effect.message.send' ? adapters[effect.channel] : handlers[effect.type];
}

function sandboxRecorderFor(deps: HandlerDeps) {
  return deps.env.NODE_ENV !== 'production' ? sandboxRecorder(deps.db, deps.clock) : undefined;
}

/** How artists are reached: the WhatsApp send, the studio's SMS providers, SMTP (each sandboxed alike). */
function artistSenders(deps: HandlerDeps, whatsapp: SendFn<OutboundMessage>): ArtistSenders {
  const channelDeps = { ...deps, recorder: sandboxRecorderFor(deps) };
  const { timeouts } = deps.options;
  return {
    whatsapp,
    sms: { twilio: twilioSend(channelDeps), openphone: openphoneSend(channelDeps) },
    email: emailSender(deps.env, channelDeps.recorder, timeouts.connectMs + timeouts.responseMs),
    emailFrom: emailFrom(deps.env),
  };
}

function effectHandlers(deps: HandlerDeps): EffectHandlers {
  const { db, env, options } = deps;
  const graph = createGraphClient({
    baseUrl: env.WHATSAPP_API_BASE_URL,
    accessToken: env.WHATSAPP_ACCESS_TOKEN,
    timeouts: options.timeouts,
  });
  const stripe = env.STRIPE_SECRET_KEY
    ? createStripeClient(
        env.STRIPE_SECRET_KEY,
        env.STRIPE_API_BASE_URL,
        options.timeouts.connectMs + options.timeouts.responseMs,
      )
    : undefined;
  const store = deps.mediaStore ?? mediaStoreFromEnv(env);
  const sandboxed = env.NODE_ENV !== 'production';
  const recorder = sandboxRecorderFor(deps);
  const send = whatsappSender(graph, env.WHATSAPP_ACCESS_TOKEN ? undefined : recorder);
  const stripeSandbox = sandboxed && !stripe;
  return {
    'effect.artist.notify': artistNotifyHandler(db, artistSenders(deps, send), {
      publicBaseUrl: env.PUBLIC_BASE_URL,
      actionLinkSecret: env.ACTION_LINK_SECRET,
    }),
    'effect.deposit.create_checkout': stripeSandbox
      ? sandboxCheckoutHandler(env.PUBLIC_BASE_URL)
      : depositCheckoutHandler(stripe, env.PUBLIC_BASE_URL),
    'effect.deposit.check_session': stripeSandbox
      ? sandboxCheckSessionHandler()
      : depositCheckSessionHandler(stripe),
    'effect.media.store': mediaStoreHandler(
      db,
      {
        meta: graphMediaSource(graph),
        twilio: twilioMediaSource(
          createTwilioClient({
            baseUrl: env.TWILIO_API_BASE_URL,
            accountSid: env.TWILIO_ACCOUNT_SID,
            authToken: env.TWILIO_AUTH_TOKEN,
            timeouts: options.timeouts,
          }),
          env.TWILIO_API_BASE_URL,
        ),
        openphone: openphoneMediaSource(
          createOpenphoneClient({
            baseUrl: env.OPENPHONE_API_BASE_URL,
            apiKey: env.OPENPHONE_API_KEY,
            timeouts: options.timeouts,
          }),
          env.OPENPHONE_API_BASE_URL,
        ),
        leadline: uploadMediaSource(db, store),
      },
      store,
      options.leaseMs,
    ),
    'effect.booking.reserve': bookingReserveHandler(db),
    'effect.booking.load_taken': bookingLoadTakenHandler(db),
    'effect.orchestrator.ask': orchestratorAskHandler(db, openAiChat(env.ORCHESTRATOR_API_KEY)),
    // The host applies these itself; a row of this kind in the outbox is a bug, reported as a failure.
    'effect.transcript.delivery': {
      provider: 'database',
      execute: () => Promise.reject(permanent('effect.transcript.delivery is applied by the actor host')),
    },
  };
}
