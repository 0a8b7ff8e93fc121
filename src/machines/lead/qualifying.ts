// QUALIFYING: one question at a time (docs/contract.md §5 rules 1, 2, 4, 5). Each inbound message is read once
// (`readQualifying`, raised by the machine as `qualifying.read`) into exactly one outcome; the chart's guarded
// transitions choose by it and the plans below act on it, so they cannot disagree.
import { assertEvent } from 'xstate';
import type { OutboundMessage } from '../../domain/effects.ts';
import type { InboundContent, MessageReceivedEvent } from '../../domain/lead-events.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import { looksLikeBundle } from '../parsers/index.ts';
import type { AnswerValue, LeadContext } from './lead-context.ts';
import type { LeadMachineEvent } from './machine-events.ts';
import {
  currentQuestion,
  inboundText,
  parseAnswer,
  questionMessage,
  repairMessage,
  styleOptions,
  type Question,
} from './questions.ts';
import { askOrchestrator, isOffScriptQuestion } from './orchestrator.ts';
import { chosenStyle, isStyleChoice } from './style-choices.ts';
import { answerLines, leadSummary } from './summary.ts';
import { addMs, type Turn } from './turn.ts';

/**
 * What a message in QUALIFYING reads as, once (the machine raises it as `qualifying.read`): the outcome its
 * guarded transitions choose by, with the value of an answer.
 */
export type QualifyingReading =
  | {
      outcome:
        | 'ignore'
        | 'more_references'
        | 'attachment'
        | 'unreadable'
        | 'bundle'
        | 'off_script'
        | 'repair'
        | 'give_up';
    }
  | { outcome: 'answer' | 'last_answer'; value: AnswerValue };
export type QualifyingOutcome = QualifyingReading['outcome'];

type MediaContent = Extract<InboundContent, { mediaId: string }>;

export function isMedia(content: InboundContent): content is MediaContent {
  return 'mediaId' in content;
}

/** Free-text questions whose natural answers mention sizes and styles: never treated as bundles. */
const BUNDLE_EXEMPT = new Set(['idea', 'reference_images']);

export type Reading =
  | { ok: true; value: AnswerValue }
  | { ok: false; reason: 'attachment' | 'unreadable' | 'bundle' | 'invalid' };

/** What an inbound message answers at the current question: a value, or why it doesn't. */
export function readAnswer(studio: Studio, context: LeadContext, content: InboundContent): Reading {
  const question = currentQuestion(studio, context);
  if (question === undefined) return { ok: false, reason: 'unreadable' };
  if (isMedia(content)) {
    if (question.id !== 'reference_images' || content.kind !== 'image') {
      return { ok: false, reason: 'attachment' };
    }
    const caption = content.caption?.trim() ?? '';
    return {
      ok: true,
      value: { mediaIds: [content.mediaId], description: caption === '' ? null : caption, none: false },
    };
  }
  if (isStyleChoice(content)) {
    const choice = readStyleChoice(studio, question, content);
    if (choice !== undefined) return choice;
  }
  const words = inboundText(content);
  if (words === null) return { ok: false, reason: 'unreadable' };
  if (!BUNDLE_EXEMPT.has(question.id) && looksLikeBundle(words, { styles: studio.styles })) {
    return { ok: false, reason: 'bundle' };
  }
  const value = parseAnswer(studio, question, words);
  return value === null ? { ok: false, reason: 'invalid' } : { ok: true, value };
}

/**
 * A tapped style choice (button or list row). At the style question its id names the style as offered,
 * taken as is (no fuzzy match, no bundle check; an id this studio no longer offers is read by its title,
 * undefined here). At another question it is a tap on an earlier style question's buttons, still on the
 * lead's screen: not an answer to this one (a style is not an idea or a placement), so it gets the repair.
 */
function readStyleChoice(studio: Studio, question: Question, content: InboundContent): Reading | undefined {
  if (question.id !== 'style') return { ok: false, reason: 'invalid' };
  const style = chosenStyle(content, styleOptions(studio, question)) ?? chosenStyle(content, studio.styles);
  return style === null ? undefined : { ok: true, value: style };
}

/**
 * WhatsApp delivers an album as one message per photo: photos arriving right after the reference photos
 * were accepted (before the next question is answered) join them instead of counting as wrong-step media.
 */
function isMoreReferences(studio: Studio, context: LeadContext, content: InboundContent): boolean {
  const references = context.answers.reference_images;
  return (
    content.kind === 'image' &&
    studio.questions[context.step - 1]?.id === 'reference_images' &&
    typeof references === 'object' &&
    references.mediaIds.length > 0
  );
}

function addReference(turn: Turn, event: MessageReceivedEvent): void {
  const references = turn.context.answers.reference_images;
  if (!isMedia(event.content) || typeof references !== 'object') return;
  storeMedia(turn, event, 'reference');
  const mediaIds = [...references.mediaIds, event.content.mediaId];
  turn.update({ answers: { ...turn.context.answers, reference_images: { ...references, mediaIds } } });
}

/**
 * The one reading of a message in QUALIFYING that no interruption took (and that does not resume: the
 * machine resumes before reading). Reactions are ignored.
 */
export function readQualifying(
  studio: Studio,
  context: LeadContext,
  event: MessageReceivedEvent,
): QualifyingReading {
  if (event.content.kind === 'reaction') return { outcome: 'ignore' };
  if (isMoreReferences(studio, context, event.content)) return { outcome: 'more_references' };
  const reading = readAnswer(studio, context, event.content);
  if (!reading.ok) {
    if (reading.reason !== 'invalid') return { outcome: reading.reason };
    // A question of the lead's own goes to the orchestrator (when there is one): no repair, no failure.
    if (isOffScriptQuestion(studio, inboundText(event.content) ?? '')) return { outcome: 'off_script' };
    return { outcome: context.repairs === 0 ? 'repair' : 'give_up' };
  }
  const outcome = context.step + 1 >= studio.questions.length ? 'last_answer' : 'answer';
  return { outcome, value: reading.value };
}

/** The current question as a message (empty once every question is answered); style with its choices. */
export function questionMessages(turn: Turn, lead = ''): OutboundMessage[] {
  // The assistant flow asks no questions: its reminders and resumptions have nothing to ask.
  if (turn.studio.flow === 'assistant') return [];
  const question = currentQuestion(turn.studio, turn.context);
  return question === undefined ? [] : [questionMessage(turn.studio, question, lead)];
}

export function askQuestion(turn: Turn, lead = ''): void {
  turn.say(questionMessages(turn, lead));
}

/** Restarts silence tracking: one reminder after reminderAfter, STALE after staleAfter (rule 7). */
export function watchSilence(turn: Turn): void {
  turn.update({ reminded: false });
  turn.schedule('reminder', addMs(turn.at, turn.studio.timings.reminderAfter));
  turn.schedule('stale', addMs(turn.at, turn.studio.timings.staleAfter));
}

function storeMedia(turn: Turn, event: MessageReceivedEvent, purpose: 'reference' | 'attachment'): void {
  const content = event.content;
  if (!isMedia(content)) return;
  turn.emit({
    type: 'effect.media.store',
    studioId: turn.studio.id,
    messageId: event.messageId,
    mediaId: content.mediaId,
    provider: event.provider,
    ...(content.mimeType === undefined ? {} : { mimeType: content.mimeType }),
    ...(content.sha256 === undefined ? {} : { sha256: content.sha256 }),
    purpose,
  });
}

/** Keeps media that arrived where no media was asked for (rule 4). */
export function keepAttachment(turn: Turn, event: MessageReceivedEvent): void {
  storeMedia(turn, event, 'attachment');
}

/** Records the answer to the current question and moves to the next one (never more than one). */
export function recordAnswer(turn: Turn, event: MessageReceivedEvent, value: AnswerValue): void {
  const question = currentQuestion(turn.studio, turn.context);
  if (question === undefined) return;
  if (isMedia(event.content)) storeMedia(turn, event, 'reference');
  turn.update({
    answers: { ...turn.context.answers, [question.id]: value },
    step: turn.context.step + 1,
    repairs: 0,
  });
}

/** After the last answer: the summary to the lead, the artist asked to approve (PENDING_APPROVAL). */
export function submitForApproval(turn: Turn): void {
  const { studio, context } = turn;
  turn.sayText(leadSummary(studio, context.answers));
  const who = `${context.name ?? 'A new lead'} (${context.phone ?? 'unknown number'})`;
  turn.notifyArtist(
    'approval',
    [`New tattoo request from ${who}:`, ...answerLines(studio, context.answers)].join('\n'),
    true,
  );
}

const askAgain = (lead: string) => (turn: Turn) => askQuestion(turn, lead);

/** The plans of the outcomes of `qualifying.read`, by the names the chart gives them. */
export const qualifyingPlans = {
  watchSilence,
  /** The rest of an album of reference photos joins them. */
  addReference: (turn: Turn, event: LeadMachineEvent) => {
    assertEvent(event, 'qualifying.read');
    addReference(turn, event.message);
  },
  /** Media where none was asked for: kept with the enquiry, the question again (rule 4). */
  keepAttachment: (turn: Turn, event: LeadMachineEvent) => {
    assertEvent(event, 'qualifying.read');
    keepAttachment(turn, event.message);
    askQuestion(turn, "Thanks, we've kept that with your enquiry.\n\n");
  },
  askReadable: askAgain('Sorry, I can only read text and photos here.\n\n'),
  askOneAtATime: askAgain("Thanks! Let's take it one question at a time, please.\n\n"),
  acceptAnswer: (turn: Turn, event: LeadMachineEvent) => {
    assertEvent(event, 'qualifying.read');
    if ('value' in event.reading) recordAnswer(turn, event.message, event.reading.value);
  },
  askQuestion: (turn: Turn) => askQuestion(turn),
  askOffScript: (turn: Turn, event: LeadMachineEvent) => {
    assertEvent(event, 'qualifying.read');
    askOrchestrator(turn, event.message, 'off_script');
  },
  /** The first unreadable answer at a step: the question's repair prompt (rule 2). */
  repair: (turn: Turn) => {
    const question = currentQuestion(turn.studio, turn.context);
    turn.update({ repairs: turn.context.repairs + 1 });
    if (question !== undefined) turn.say([repairMessage(turn.studio, question)]);
  },
  submitForApproval,
};
