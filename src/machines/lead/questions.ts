// The six questions (docs/contract.md §5): how each answer is read and normalised, how each is asked again.
import type { OutboundMessage } from '../../domain/effects.ts';
import type { InboundContent } from '../../domain/lead-events.ts';
import type { QuestionId, Studio } from '../../studio/studio-schema.ts';
import { isNoneAnswer, matchStyle, parseDimensions, parseMoney } from '../parsers/index.ts';
import { NO_REFERENCES, type AnswerValue, type LeadContext } from './lead-context.ts';
import { styleChoiceMessage } from './style-choices.ts';

export type Question = Studio['questions'][number];

export function currentQuestion(studio: Studio, context: LeadContext): Question | undefined {
  return studio.questions[context.step];
}

/** The styles offered for the style question (its options, else the studio's styles). */
export function styleOptions(studio: Studio, question: Question): readonly string[] {
  return question.options ?? studio.styles;
}

export function questionPrompt(studio: Studio, question: Question): string {
  if (question.id !== 'style') return question.prompt;
  return `${question.prompt} (${styleOptions(studio, question).join(', ')})`;
}

/**
 * What asks a question, wherever it is asked (first time, again after a detour, reminder, resume): the
 * style question with its options as choices (style-choices.ts), every other one as text.
 */
function asked(studio: Studio, question: Question, body: string): OutboundMessage {
  return question.id === 'style'
    ? styleChoiceMessage(body, styleOptions(studio, question))
    : { kind: 'text', text: body };
}

/** The question as a message, after an optional lead-in ("Welcome back!\n\n"). */
export function questionMessage(studio: Studio, question: Question, lead = ''): OutboundMessage {
  return asked(studio, question, `${lead}${questionPrompt(studio, question)}`);
}

/** The words of an inbound message: its text, a button's title, or a media caption. */
export function inboundText(content: InboundContent): string | null {
  switch (content.kind) {
    case 'text':
      return content.text;
    case 'interactive':
    case 'button':
      return content.title;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return content.caption ?? null;
    default:
      return null;
  }
}

/** Free text must say something: one or two characters ("?", "ok") are not an idea or a placement. */
const MIN_FREE_TEXT = 3;

/** The normalised answer to a question, or null when the text does not answer it. */
export function parseAnswer(studio: Studio, question: Question, raw: string): AnswerValue | null {
  const answer = raw.trim();
  switch (question.id) {
    case 'idea':
    case 'placement':
      return answer.length >= MIN_FREE_TEXT ? answer : null;
    case 'dimensions':
      return parseDimensions(answer);
    case 'style':
      return matchStyle(answer, styleOptions(studio, question)) ?? matchStyle(answer, studio.styles) ?? null;
    case 'reference_images':
      if (isNoneAnswer(answer)) return NO_REFERENCES;
      return answer.length >= MIN_FREE_TEXT ? { mediaIds: [], description: answer, none: false } : null;
    case 'budget':
      return parseMoney(answer, studio.currency);
  }
}

const REPAIR: Record<QuestionId, (studio: Studio, question: Question) => string> = {
  idea: () => 'Could you tell us a little more about your idea? For example: a small fox on a branch.',
  placement: () => 'Where on your body would it go? For example: left forearm.',
  dimensions: () =>
    "Sorry, I didn't catch the size. Please give width x height, for example 10x15cm or 4x6in.",
  style: (studio, question) =>
    `Sorry, I didn't recognise that style. Please pick one of: ${styleOptions(studio, question).join(', ')}.`,
  reference_images: () =>
    'Please send one or more photos, describe your references in a few words, or say none.',
  budget: () => "Sorry, I didn't catch your budget. Please give an amount, for example £300 or 250-400 GBP.",
};

/** One repair prompt per question, always with an example of an answer that works (or the choices). */
export function repairMessage(studio: Studio, question: Question): OutboundMessage {
  return asked(studio, question, REPAIR[question.id](studio, question));
}
