// The lead actor type for the runtime host (src/actors/actor-definition.ts).
import type { SnapshotFrom } from 'xstate';
import { z } from 'zod';
import type { ActorDefinition, ActorProjection } from '../../actors/actor-definition.ts';
import type { Envelope } from '../../domain/envelope.ts';
import { policyFor } from '../../channels/policies.ts';
import {
  channelSchema,
  identifierSchema,
  leadEventSchema,
  messageReceivedEventSchema,
  type Identifier,
  type MessageAnsweredByChannelEvent,
} from '../../domain/lead-events.ts';
import { questionIds, type QuestionId, type Studio } from '../../studio/studio-schema.ts';
import type { StudioRegistry } from '../../studio/studio-registry.ts';
import { initialLeadContext, type Answers, type LeadInput } from './lead-context.ts';
import { createLeadMachine, type LeadMachine } from './lead-machine.ts';
import { leadSnapshotMigrations } from './lead-migrations.ts';
import { isResumableStatus, leadStatuses, stateValueOf, statusOf, type LeadStatus } from './lead-status.ts';

/**
 * 2: the context gained `channel` and `replyTo` (the channel-neutral core). 3: the resumable statuses sit
 * in the `resumable` state, whose history is where handovers, staleness and opt-outs return. 4: the
 * context has no optional fields (language, offeredChoices, decidedWhileOptedOut, deposit.checkingSession,
 * slots.loading are always present).
 */
export const LEAD_MACHINE_VERSION = 4;

function stringField(value: unknown, key: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field !== '' ? field : null;
}

const fromIdentifiers = z.object({ from: z.array(identifierSchema) });

/** The identifiers a message brought (`from: [{ type, value }]`), or a campaign send's phone. */
export function leadIdentifiersOf(envelope: Envelope): Identifier[] {
  const message = fromIdentifiers.safeParse(envelope.event);
  if (message.success) return message.data.from;
  const phone = envelope.event.type === 'campaign.send' ? stringField(envelope.event, 'phone') : null;
  return phone === null ? [] : [{ type: 'phone', value: phone }];
}

/** The first phone among a message's identifiers. */
function phoneIdentifier(envelope: Envelope): string | null {
  const message = fromIdentifiers.safeParse(envelope.event);
  if (!message.success) return null;
  return message.data.from.find((identifier) => identifier.type === 'phone')?.value ?? null;
}

/**
 * The new lead's phone (a message's phone identifier, else a `phone` carried by the event or envelope, as a
 * campaign send does) and channel (the message's or campaign's).
 */
export function leadInputFor(envelope: Envelope): LeadInput {
  const event = envelope.event;
  const phone = phoneIdentifier(envelope) ?? stringField(event, 'phone') ?? stringField(envelope, 'phone');
  const channel = channelSchema.safeParse(event.channel);
  return {
    studioId: envelope.studioId,
    phone,
    name: stringField(event, 'profileName'),
    channel: channel.success ? channel.data : null,
  };
}

/**
 * An inbound message as the lead machine reads it: its channel's policy may answer it itself (SMS HELP:
 * the studio's help text, given to the machine as `message.answered_by_channel`, a direct reply that changes
 * nothing else) or translate the content first (SMS: a number picks one of the choices last offered;
 * carrier keywords become STOP/START), so the machine itself never knows which channel a message came on.
 */
export function leadEventFor(
  envelope: Envelope,
  snapshot: SnapshotFrom<LeadMachine>,
  studio?: Studio,
): Envelope['event'] | MessageAnsweredByChannelEvent {
  const parsed = messageReceivedEventSchema.safeParse(envelope.event);
  if (!parsed.success) return envelope.event;
  const message = parsed.data;
  const policy = policyFor(message.channel);
  const answer = studio === undefined ? null : (policy.answerInbound?.(message.content, studio) ?? null);
  const replyTo = answer === null ? null : policy.replyAddress(message);
  if (answer !== null && replyTo !== null) {
    return {
      type: 'message.answered_by_channel',
      at: message.at,
      channel: message.channel,
      messageId: message.messageId,
      replyTo,
      answer,
    };
  }
  // A gateway waiting for this message's replies: an orchestrator asked about it must name it too.
  const event =
    envelope.replyTo === undefined ? envelope.event : { ...envelope.event, replyTo: envelope.replyTo };
  const translate = policy.translateInbound;
  if (translate === undefined) return event;
  const content = translate(message.content, {
    offeredChoices: snapshot.context.offeredChoices,
    optedOut: snapshot.value === 'OPTED_OUT',
  });
  return content === message.content ? event : { ...event, content };
}

export function projectLead(
  snapshot: SnapshotFrom<LeadMachine>,
  questionOrder: (studioId: string) => readonly QuestionId[],
): ActorProjection {
  const { context } = snapshot;
  return {
    status: statusOf(snapshot.value),
    step: questionOrder(context.studioId)[context.step] ?? null,
    answers: { ...context.answers },
    phone: context.phone,
    name: context.name,
    lastInboundAt: context.lastInboundAt,
    channel: context.channel,
  };
}

function isStatus(value: string): value is LeadStatus {
  return (leadStatuses as readonly string[]).includes(value);
}

export function createLeadDefinition(studios: StudioRegistry): ActorDefinition<LeadMachine> {
  const machine = createLeadMachine(studios);
  const questionOrder = (studioId: string): readonly QuestionId[] =>
    studios.byId(studioId)?.questions.map((q) => q.id) ?? questionIds;
  // The assistant flow asks no questions: its leads have no step.
  const stepOrder = (studioId: string): readonly QuestionId[] =>
    studios.byId(studioId)?.flow === 'assistant' ? [] : questionOrder(studioId);
  return {
    actorType: 'lead',
    machine,
    machineVersion: LEAD_MACHINE_VERSION,
    snapshotMigrations: leadSnapshotMigrations,
    inputFor: leadInputFor,
    eventSchema: leadEventSchema,
    identifiersOf: leadIdentifiersOf,
    eventFor: (envelope, snapshot) =>
      leadEventFor(envelope, snapshot, studios.byId(snapshot.context.studioId)),
    project: (snapshot) => projectLead(snapshot, stepOrder),
    /**
     * An unmigratable snapshot becomes a lead at the same status and step with the same answers; timers,
     * pending content and the deposit session are lost (the artist can re-approve or reset).
     */
    rebuild(row, envelope) {
      const input = leadInputFor(envelope);
      const order = questionOrder(envelope.studioId);
      const answered = order.findIndex((id) => row.answers[id] === undefined);
      const step =
        row.step === null
          ? answered === -1
            ? order.length
            : answered
          : order.indexOf(row.step as QuestionId);
      const status = isStatus(row.status) ? row.status : 'QUALIFYING';
      const context = {
        ...initialLeadContext(input),
        answers: row.answers as Answers,
        step: step === -1 ? 0 : step,
        resumeTo: isResumableStatus(status) ? status : 'QUALIFYING',
      };
      return machine.getPersistedSnapshot(machine.resolveState({ value: stateValueOf(status), context }));
    },
  };
}
