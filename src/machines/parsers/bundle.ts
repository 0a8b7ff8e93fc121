// docs/contract.md §5 rule 5: "10x15cm, realism, £300" answers several questions at once and is turned back;
// a single answer that merely contains digits or a unit ("10x15cm", "£300 max") is not.
//
// A size (WxH) and a budget with a currency are strong signals: either plus any other kind is a bundle.
// A style and a placement word are weak (an idea such as "a realism rose on my forearm" names both), so
// two weak kinds make a bundle only when the message is a list of short parts ("forearm, realism").
import { findMoney } from './money.ts';
import { parseDimensions } from './dimensions.ts';
import { mentionsPlacement } from './placement.ts';
import { matchStyle } from './style.ts';
import { normaliseText } from './text.ts';

export interface BundleContext {
  styles: readonly string[];
}

/** A list part longer than this is prose, not an answer. */
const MAX_LIST_PART_WORDS = 3;

function isShortList(text: string): boolean {
  const parts = normaliseText(text)
    .split(/[,;\n/+&]|\band\b|\s-\s/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.length >= 2 && parts.every((p) => p.split(/\s+/).length <= MAX_LIST_PART_WORDS);
}

export function looksLikeBundle(text: string, context: BundleContext): boolean {
  // Only an amount with its own currency marker counts, so the default currency passed here is unused.
  const strong = [parseDimensions(text) !== null, findMoney(text, 'GBP')?.explicit === true].filter(
    Boolean,
  ).length;
  const weak = [matchStyle(text, context.styles) !== null, mentionsPlacement(text)].filter(Boolean).length;
  if (strong >= 1) return strong + weak >= 2;
  return weak >= 2 && isShortList(text);
}
