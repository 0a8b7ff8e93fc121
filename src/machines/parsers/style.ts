// Matches a free-text answer against the studio's styles: case, punctuation and hyphens are ignored
// ("neo traditional" → "neo-traditional", "fine-line" → "fine line"), small typos are forgiven
// ("realisim" → "realism"), a style named inside a sentence counts ("I like blackwork"), and so does another
// word of the style's family ("realistic" → "realism", "geometry" → "geometric").
import { editDistance } from './edit-distance.ts';
import { toWords } from './text.ts';

/** Only the first words of a long message are searched: style answers are short. */
const MAX_WORDS = 60;

/** Typos forgiven for a style of this many letters: none for short words, where one edit is a new word. */
function allowedTypos(length: number): number {
  if (length < 5) return 0;
  return length < 9 ? 1 : 2;
}

interface Scored {
  style: string;
  distance: number;
  length: number;
}

/**
 * The match covering more of the style's letters wins ("nxo traditional" is a typo of neo-traditional,
 * not an exact "traditional"); then the closer one; then the longer style.
 */
function better(a: Scored | null, b: Scored): Scored {
  if (a === null) return b;
  const matchedA = a.length - a.distance;
  const matchedB = b.length - b.distance;
  if (matchedB !== matchedA) return matchedB > matchedA ? b : a;
  if (b.distance !== a.distance) return b.distance < a.distance ? b : a;
  return b.length > a.length ? b : a;
}

/** The best distance between the style and any window of the same number of words in the text. */
function scoreStyle(words: readonly string[], style: string): Scored | null {
  const styleWords = toWords(style)
    .split(' ')
    .filter((w) => w !== '');
  const target = styleWords.join('');
  if (target === '') return null;
  const limit = allowedTypos(target.length);
  let best: Scored | null = null;
  // Windows one word longer or shorter than the style catch "fine-line"/"fineline" and "water colour".
  for (let size = Math.max(1, styleWords.length - 1); size <= styleWords.length + 1; size++) {
    for (let start = 0; start + size <= words.length; start++) {
      const candidate = words.slice(start, start + size).join('');
      const distance = editDistance(candidate, target, limit);
      if (distance <= limit) best = better(best, { style, distance, length: target.length });
    }
  }
  return best;
}

/**
 * Suffixes of one style's word family ("realistic"/"realist"/"realism", "geometry"/"geometric"), longest
 * first. Not "-ity" ("reality" is not realism) nor "-ly" ("really").
 */
const SUFFIXES = ['istic', 'ism', 'ist', 'ic', 'y'] as const;
/** A stem shorter than this is too common a word to stand for a style ("comic" is not "com-ism"). */
const MIN_STEM = 4;

/** The word without its family suffix, or null when it has none (or what remains is too short). */
function stemOf(word: string): string | null {
  for (const suffix of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= MIN_STEM) {
      return word.slice(0, -suffix.length);
    }
  }
  return null;
}

/**
 * A one-word style named by another word of its family ("realistic" → realism). Only a word that itself
 * carries a suffix counts, so a bare stem ("real") never matches, and stems must be equal (no typos).
 */
function stemMatch(words: readonly string[], styles: readonly string[]): string | null {
  for (const word of words) {
    const stem = stemOf(word);
    if (stem === null) continue;
    const style = styles.find((s) => {
      const target = toWords(s).replaceAll(' ', '');
      return target !== word && (stemOf(target) ?? target) === stem;
    });
    if (style !== undefined) return style;
  }
  return null;
}

export function matchStyle(text: string, styles: readonly string[]): string | null {
  const words = toWords(text)
    .split(' ')
    .filter((w) => w !== '')
    .slice(0, MAX_WORDS);
  let best: Scored | null = null;
  for (const style of styles) {
    const scored = scoreStyle(words, style);
    if (scored !== null) best = better(best, scored);
  }
  return best?.style ?? stemMatch(words, styles);
}
