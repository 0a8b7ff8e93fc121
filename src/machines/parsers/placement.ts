// Body-placement words, used only to tell a bundle of answers from a single one. Words that are also
// everyday English ("get back to me", "on the other hand") count only after a word that makes them a
// place on the body ("my back", "lower back", "left hand", "back of the neck") or standing alone in a
// list part ("back, realism").
import { toWords } from './text.ts';

const ALWAYS =
  /\b(?:forearms?|upper arm|inner arm|wrists?|knuckles?|shoulders?|shoulder blade|ribs?|rib cage|sternum|stomach|belly|hips?|thighs?|calf|calves|shins?|ankles?|nape|throat|collarbone|spine|elbows?|biceps?|triceps?|sleeve|half sleeve|behind (?:my|the) ear|buttocks?)\b/;
const AMBIGUOUS = String.raw`(?:arms?|hands?|fingers?|palm|back|chest|sides?|legs?|knees?|foot|feet|toes?|neck|ears?|face|head|scalp|bum)`;
const QUALIFIED = new RegExp(
  String.raw`\b(?:my|the|left|right|lower|upper|inner|outer|both|on|back of|side of)\s+(?:(?:left|right|lower|upper|inner|outer)\s+)?${AMBIGUOUS}\b`,
);
const ALONE = new RegExp(String.raw`^${AMBIGUOUS}$`);

export function mentionsPlacement(text: string): boolean {
  const words = toWords(text);
  if (ALWAYS.test(words) || QUALIFIED.test(words)) return true;
  return text
    .slice(0, 1000)
    .split(/[,;\n/+&]|\band\b/)
    .some((part) => ALONE.test(toWords(part)));
}
