// Is a lead's first message only a greeting or a generic enquiry ("hi", "good morning", "are you taking
// bookings?", "hi, I want a tattoo"), or does it already say what they want ("a koi fish on my arm")?
// The first message is read as the idea unless it is made only of greeting and enquiry words, so care goes
// to the enquiry vocabulary: any word outside it ("koi", "rose", "sleeve", "mum's name") is idea content.
import { toWords } from './text.ts';

/** Greeting, courtesy and "I'd like to book a tattoo" words: none of them describes a design. */
const ENQUIRY_WORDS = new Set(
  (
    'hi hii hiii hello helo hallo hey heya hiya yo howdy greetings morning afternoon evening good day there ' +
    'all everyone guys folks team ' +
    'i im id ive me my we us you your youre u ur it its is are am be was do does did can could would ' +
    'will may might shall should like love want wanted wanting wanna need needing looking hoping hope ' +
    'interested thinking wondering wonder if whether still currently now at the moment any some ' +
    'a an the to for of in on about with and or so just please pls plz thanks thank ta cheers ok okay ' +
    'book booking bookings booked appointment appointments appt slot slots session sessions consultation ' +
    'consult quote quotes price prices pricing cost costs how much many what when where available ' +
    'availability free open taking take accepting new clients client customers customer enquiry enquire ' +
    'enquiring inquiry inquire inquiring question questions ask asking info information details ' +
    'get getting got have having done do doing make making tattoo tattoos tattooed tat tats ink inked ' +
    'piece work studio shop artist artists small big little first another one new ' +
    // Contractions split at the apostrophe by toWords: "I'd" → "i d", "you're" → "you re".
    'd m s ve re ll t'
  ).split(' '),
);

/** At most this many words: a long message is content even if it starts politely. */
const MAX_GREETING_WORDS = 20;

/** True when the text is only a greeting or a generic enquiry, with nothing about the tattoo itself. */
export function isGreetingOrEnquiry(text: string): boolean {
  const words = toWords(text)
    .split(' ')
    .filter((w) => w !== '');
  if (words.length > MAX_GREETING_WORDS) return false;
  return words.every((w) => ENQUIRY_WORDS.has(w) || /^(?:h+i+|he+y+|hel+o+)$/.test(w));
}
