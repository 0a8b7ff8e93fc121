// Conversation-level intents that override the current question (docs/contract.md §5 rules 3, 8, 9).
// Care goes to false positives: "non-stop dragon" is an idea, not an opt-out, and "a human skull" is a
// design, not a request for one. Phrases are matched on words only (punctuation and case ignored).
import { toWords } from './text.ts';

export type Intent = 'handover' | 'restart' | 'opt_out' | 'opt_in';

/** Restart and handover phrases only count in short messages: a long idea may say "start again". */
const MAX_COMMAND_WORDS = 12;

const POLITE = String.raw`(?:please |pls |plz |ok |okay |hi |hey |hello )*`;
const THANKS = String.raw`(?: please| pls| plz| thanks| thank you| now)*`;

const OPT_OUT_KEYWORD = String.raw`(?:stop|stop all|stopall|stop it|stop this|end|quit|cancel all|opt out|optout)`;
/** "STOP", "stop please", "STOP STOP": the carrier keywords, alone (repeated or with courtesies). */
const OPT_OUT_WHOLE = new RegExp(String.raw`^${POLITE}${OPT_OUT_KEYWORD}(?: ${OPT_OUT_KEYWORD})*${THANKS}$`);
const OPT_OUT_ANYWHERE =
  /(?<!\b(?:dont|don t|do not|never) )\b(?:unsubscribe|stop (?:messaging|texting|contacting|sending|spamming|emailing|writing to|bothering)|opt me out|remove me from)\b/;
const OPT_IN_WHOLE = new RegExp(
  String.raw`^${POLITE}(?:start|unstop|opt in|optin|resubscribe|subscribe)${THANKS}$`,
);

const RESTART =
  /\b(?:restart|start (?:over|again|afresh|from (?:the )?(?:beginning|scratch|the start))|begin again|reset)\b/;

const PERSON = String.raw`(?:someone|somebody|a (?:real |actual |live )?(?:person|human|member of staff)|(?:the|an|your) (?:artist|tattooist|tattoo artist|owner|studio|staff|agent)|a human being|staff|anyone|a human|an agent|a real one|a manager)`;
const HANDOVER_PHRASE = new RegExp(
  String.raw`\b(?:(?:talk|speak|chat|connect|put me through|get in touch) (?:to|with) ${PERSON}|(?:real|actual|live) (?:person|human)|human being|(?:want|need|get me|give me) (?:a |an )?(?:human|agent|person|operator)|customer service|are you (?:a )?(?:bot|robot|real)|is (?:this|it) (?:a )?(?:bot|robot|automated)|(?:am i )?(?:talking|chatting) to a (?:bot|robot))\b`,
);
/** "Can I speak to Sam?": a request for someone by name, the whole message, not "to you" or "to my mum". */
const HANDOVER_BY_NAME =
  /^(?:(?:hi|hey|hello) )?(?:can|could|may) i (?:please )?(?:talk|speak|chat) (?:to|with) (?!(?:you|u|him|her|them|my|your|a|the|it)\b)[a-z]+(?: please)?$/;
const HANDOVER_WHOLE = new RegExp(
  String.raw`^${POLITE}(?:human|agent|operator|person|a human|an agent|help)${THANKS}$`,
);

export function detectIntent(text: string): Intent | null {
  const words = toWords(text);
  if (words === '') return null;
  if (OPT_OUT_WHOLE.test(words) || OPT_OUT_ANYWHERE.test(words)) return 'opt_out';
  if (OPT_IN_WHOLE.test(words)) return 'opt_in';
  if (HANDOVER_WHOLE.test(words)) return 'handover';
  if (words.split(' ').length > MAX_COMMAND_WORDS) return null;
  if (RESTART.test(words)) return 'restart';
  if (HANDOVER_PHRASE.test(words) || HANDOVER_BY_NAME.test(words)) return 'handover';
  return null;
}
