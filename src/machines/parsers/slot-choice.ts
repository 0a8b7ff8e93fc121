// Picking one of the numbered slot offers: "2", "option 2", "#2", "2nd", "the second", "second one".
import { normaliseText } from './text.ts';

/** Ordinal words, first to tenth: the tenth offer is as far as a WhatsApp list of slots goes. */
export const ORDINALS: readonly string[] = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];
const CARDINALS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** Words that may surround the choice without changing it. */
const FILLER = new Set([
  'the',
  'option',
  'opt',
  'slot',
  'number',
  'no',
  'num',
  'choice',
  'one',
  'please',
  'pls',
  'thanks',
  'thank',
  'you',
  'i',
  'ill',
  "i'll",
  'take',
  'want',
  'choose',
  'pick',
  'go',
  'with',
  'for',
  'lets',
  "let's",
  'id',
  "i'd",
  'like',
  'prefer',
  'is',
  'fine',
  'good',
  'ok',
  'okay',
  'works',
  'great',
  'perfect',
  'yes',
  'that',
  'book',
  'me',
  'in',
  'a',
  'it',
  'be',
]);

const MAX_WORDS = 12;

/** "the second one", "that one": here "one" stands for the slot, it is not a number. */
function isPronoun(previous: string | undefined): boolean {
  if (previous === undefined) return false;
  return (
    ORDINALS.includes(previous) ||
    /^\d{1,2}(?:st|nd|rd|th)$/.test(previous) ||
    ['that', 'this', 'the', 'last'].includes(previous)
  );
}

function valueOf(token: string): number | null {
  const digits = /^#?(\d{1,2})(?:st|nd|rd|th)?$/.exec(token);
  if (digits?.[1] !== undefined) return Number(digits[1]);
  const ordinal = ORDINALS.indexOf(token);
  if (ordinal !== -1) return ordinal + 1;
  const cardinal = CARDINALS.indexOf(token);
  return cardinal === -1 ? null : cardinal + 1;
}

/** The 1-based index of the chosen offer, or null when the message names none, several, or one out of range. */
export function parseSlotChoice(text: string, offered: number): number | null {
  if (!Number.isInteger(offered) || offered < 1) return null;
  const tokens = normaliseText(text)
    .replace(/[^\p{L}\p{N}#'\s]+/gu, ' ')
    .split(/\s+/)
    .filter((t) => t !== '');
  if (tokens.length === 0 || tokens.length > MAX_WORDS) return null;
  const values = new Set<number>();
  for (const [index, token] of tokens.entries()) {
    const value = valueOf(token);
    if (value !== null && !(token === 'one' && isPronoun(tokens[index - 1]))) values.add(value);
    else if (value === null && !FILLER.has(token)) return null;
  }
  const [choice] = [...values];
  if (values.size !== 1 || choice === undefined) return null;
  return choice >= 1 && choice <= offered ? choice : null;
}
