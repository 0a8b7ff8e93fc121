// "No references" style answers to an optional question ("none", "nope", "n/a", "nothing").
import { toWords } from './text.ts';

const NONE =
  /^(?:(?:no|nope|nah|none|nothing|not really|n a|na|nil|no thanks|no thank you|i (?:don t|dont|do not) have (?:any|one|them)|i have none|not yet|none yet)(?: (?:references?|refs?|images?|pictures?|pics?|photos?|thanks|thank you|sorry|yet|at all|for now|really|i m afraid|unfortunately))*)$/;

export function isNoneAnswer(text: string): boolean {
  if (/^\s*n\/a\s*[.!]*\s*$/i.test(text.slice(0, 100))) return true;
  const words = toWords(text.slice(0, 200));
  return NONE.test(words);
}
