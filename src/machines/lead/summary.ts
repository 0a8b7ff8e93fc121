// How answers read back to the lead and the artist: the summary after the last question.
import type { QuestionId, Studio } from '../../studio/studio-schema.ts';
import type { Money } from '../parsers/index.ts';
import { isNoReferences, type Answers, type AnswerValues, type ReferenceImages } from './lead-context.ts';

const LABELS: Record<QuestionId, string> = {
  idea: 'Idea',
  placement: 'Placement',
  dimensions: 'Size',
  style: 'Style',
  reference_images: 'References',
  budget: 'Budget',
};

function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en-GB', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
    2
  );
}

export function formatAmount(amountMinor: number, currency: string): string {
  const major = amountMinor / 10 ** minorDigits(currency);
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(major);
}

export function formatMoney(money: Money): string {
  const low = formatAmount(money.amountMinor, money.currency);
  return money.maxAmountMinor === undefined
    ? low
    : `${low}–${formatAmount(money.maxAmountMinor, money.currency)}`;
}

/** Also reads the legacy string "none" of snapshots persisted before the object shape. */
function formatReferences(value: ReferenceImages | 'none'): string {
  if (isNoReferences(value) || typeof value === 'string') return 'none';
  const parts: string[] = [];
  const photos = value.mediaIds.length;
  if (photos > 0) parts.push(`${photos} photo${photos === 1 ? '' : 's'}`);
  if (value.description !== null) parts.push(`"${value.description}"`);
  return parts.join(', ');
}

/** 10.16 → "10.2", 10 → "10" (answers keep full precision; this is how they read). */
function oneDecimal(value: number): string {
  return String(Math.round(value * 10) / 10);
}

const FORMAT: { [K in QuestionId]: (value: AnswerValues[K]) => string } = {
  idea: (v) => v,
  placement: (v) => v,
  dimensions: (v) => `${oneDecimal(v.widthCm)} x ${oneDecimal(v.heightCm)} cm`,
  style: (v) => v,
  reference_images: formatReferences,
  budget: formatMoney,
};

export function formatAnswer<K extends QuestionId>(id: K, value: AnswerValues[K]): string {
  return FORMAT[id](value);
}

/** One line per answered question, in the studio's question order. */
export function answerLines(studio: Studio, answers: Answers): string[] {
  const lines: string[] = [];
  for (const { id } of studio.questions) {
    const value = answers[id];
    if (value !== undefined) lines.push(`• ${LABELS[id]}: ${formatAnswer(id, value as never)}`);
  }
  return lines;
}

export function leadSummary(studio: Studio, answers: Answers): string {
  return [
    "Thanks! Here's a summary of your request:",
    ...answerLines(studio, answers),
    'The artist will review it and get back to you here soon.',
  ].join('\n');
}
