// Body-placement words, used only to tell a bundle of answers from a single one.
import { toWords } from './text.ts';

const PLACEMENT =
  /\b(?:arm|arms|forearm|upper arm|inner arm|wrist|hand|hands|finger|fingers|knuckles?|palm|shoulder|shoulder blade|back|lower back|upper back|chest|sternum|ribs?|rib cage|side|stomach|belly|hip|hips|thigh|leg|legs|calf|shin|knee|ankle|foot|feet|toe|neck|nape|throat|collarbone|spine|elbow|bicep|biceps|tricep|triceps|behind (?:my|the) ear|ear|face|head|scalp|sleeve|half sleeve|bum|buttock)\b/;

export function mentionsPlacement(text: string): boolean {
  return PLACEMENT.test(toWords(text));
}
