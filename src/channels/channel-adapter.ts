// What a channel adapter is: the outbox relay's handler for `effect.message.send` on one channel. It renders
// the channel-neutral message for its provider (through the channel's policy), sends it, stores the
// provider's id on the outbound transcript entry, and tells the lead's actor about refusals with
// `message.send_failed`. Adapters are built once per relay from its dependencies.
import type { EffectHandler, EffectOf } from '../effects/effect-handler.ts';
import type { HandlerDeps } from '../effects/handlers/handler-deps.ts';
import type { SandboxRecorder } from '../effects/sandbox/sandbox.ts';

export type MessageSendEffect = EffectOf<'effect.message.send'>;

export type ChannelAdapter = EffectHandler<MessageSendEffect>;

export interface ChannelAdapterDeps extends HandlerDeps {
  /** Outside production: where a channel without provider credentials records its sends instead. */
  recorder: SandboxRecorder | undefined;
}

export type ChannelAdapterFactory = (deps: ChannelAdapterDeps) => ChannelAdapter;
