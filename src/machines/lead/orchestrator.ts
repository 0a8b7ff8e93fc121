// The orchestrator in the conversation (docs/contract.md §8). `flow: assistant`: every inbound message is sent to
// it. `flow: qualify` with an orchestrator: a message that does not answer the current question and ends
// with "?" is a question of the lead's own (off script): it goes to the orchestrator instead of the repair
// prompt and is no repair failure. Either way the machine only emits `effect.orchestrator.ask` (the relay
// makes the call); `orchestrator.answered` brings the answer (or the studio's default reply), which is sent
// as a direct reply to the message, and off script the current question follows.
import { assertEvent } from 'xstate';
import type { MessageReceivedEvent } from '../../domain/lead-events.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import { currentQuestion, inboundText, questionPrompt } from './questions.ts';
import { answerLines } from './summary.ts';
import type { Turn } from './turn.ts';
import type { LeadMachineEvent } from './machine-events.ts';

export type AskPurpose = 'assistant' | 'off_script';

/** The studio answers every message with its orchestrator. */
export function isAssistantFlow(studio: Studio): boolean {
  return studio.flow === 'assistant' && studio.orchestrator !== undefined;
}

/** A question of the lead's own: their words end with a question mark (the caller knows they don't parse). */
export function isOffScriptQuestion(studio: Studio, words: string): boolean {
  return studio.flow === 'qualify' && studio.orchestrator !== undefined && /[?？]\s*$/.test(words);
}

/** What the orchestrator is asked about one message: its words (or what it carried), for a direct reply. */
export function askOrchestrator(turn: Turn, event: MessageReceivedEvent, purpose: AskPurpose): void {
  const { studio, context } = turn;
  if (studio.orchestrator === undefined || context.channel === null || context.replyTo === null) return;
  const question = purpose === 'off_script' ? currentQuestion(studio, context) : undefined;
  turn.emit({
    type: 'effect.orchestrator.ask',
    studioId: studio.id,
    purpose,
    inReplyTo: event.messageId,
    channel: context.channel,
    text: inboundText(event.content) ?? `[${event.content.kind}]`,
    ...(event.session === undefined ? {} : { sessionId: event.session.sessionId }),
    ...(question === undefined ? {} : { question: questionPrompt(studio, question) }),
    answers: answerLines(studio, context.answers),
    ...(event.replyTo === undefined ? {} : { replyTo: event.replyTo }),
  });
}

/**
 * Assistant flow: content held back while the channel's window was closed goes out first (the lead is
 * back), then the message is sent to the orchestrator. Reactions are not messages to answer.
 */
export function assistantMessage(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'message.received');
  if (event.content.kind === 'reaction') return;
  const held = turn.context.pending;
  turn.update({ pending: [], resume: false });
  if (held.length > 0) turn.say(held);
  askOrchestrator(turn, event, 'assistant');
}

/** The orchestrator's answer (or the default reply), sent as a reply to the message it answers. */
export function orchestratorAnswered(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'orchestrator.answered');
  turn.sayText(event.text);
}

/** The plans of the orchestrator, by the names the chart gives them (lead-plans.ts). */
export const orchestratorPlans = { assistantMessage, orchestratorAnswered };
