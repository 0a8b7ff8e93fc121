// SMS's rules, pure (time arrives as arguments). No 24-hour window: free-form content may always go out.
// Quiet hours (the studio's `quietHours`, in its time zone; default none) hold back anything that is not a
// direct reply: the decision defers the send to the end of the quiet hours. Choices become numbered lines
// ("Reply 1, 2 or 3") and a numeric reply is read back as the choice it names; templates go as their plain
// text (the studio's `templateBodies`, parameters filled), never as their name; the carrier keywords (STOP STOPALL UNSUBSCRIBE CANCEL END QUIT / START YES UNSTOP / HELP INFO) are
// recognised. Length: one SMS body is sent whole (the carrier concatenates the segments), bounded to
// MAX_SEGMENTS segments; longer text is cut at a word with an ellipsis (see smsSegments).
import type { OutboundMessage } from '../../domain/effects.ts';
import type { InboundContent } from '../../domain/lead-events.ts';
import { localReading, minutesOf } from '../../domain/local-time.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import { phoneReplyAddress, type ChannelPolicy, type InboundView } from '../channel-policy.ts';

export interface Choice {
  id: string;
  title: string;
}

/** What the relay does with a send now: send it, defer it until an ISO time, or refuse it for good. */
export type SendDecision =
  { kind: 'send' } | { kind: 'defer'; until: string } | { kind: 'refuse'; reason: string };

export interface QuietHours {
  /** "HH:MM", studio local time. */
  start: string;
  end: string;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

function inQuiet(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * Quiet hours apply to anything that is not a direct reply (reminders, approvals, campaign and admin
 * messages): inside them the send is deferred to their end (the first minute after, studio time). A direct
 * reply (`inReplyTo`) always goes. A studio without SMS numbers cannot send: refused.
 */
export function smsSendDecision(input: {
  studio: Pick<Studio, 'timezone'> & {
    sms?: readonly unknown[] | undefined;
    quietHours?: QuietHours | undefined;
  };
  inReplyTo?: string | undefined;
  now: Date;
}): SendDecision {
  const { studio, now } = input;
  if (studio.sms === undefined || studio.sms.length === 0) {
    return { kind: 'refuse', reason: 'the studio has no SMS number' };
  }
  const quiet = studio.quietHours;
  if (input.inReplyTo !== undefined || quiet === undefined) return { kind: 'send' };
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const minute = localReading(now, studio.timezone).minuteOfDay;
  if (!inQuiet(minute, start, end)) return { kind: 'send' };
  const wait = (end - minute + DAY_MINUTES) % DAY_MINUTES;
  const minuteStart = now.getTime() - (now.getTime() % MINUTE_MS);
  return { kind: 'defer', until: new Date(minuteStart + wait * MINUTE_MS).toISOString() };
}

/** "Reply 1", "Reply 1 or 2", "Reply 1, 2 or 3", … */
export function replyHint(count: number): string {
  if (count <= 1) return 'Reply 1';
  const numbers = Array.from({ length: count }, (_, i) => String(i + 1));
  return `Reply ${numbers.slice(0, -1).join(', ')} or ${numbers.at(-1) ?? ''}`;
}

/** A question with choices as SMS text: the body, one numbered line per choice, and how to answer. */
export function renderChoices(body: string, options: readonly Choice[]): string {
  const lines = options.map((option, i) => `${i + 1}. ${option.title}`);
  return `${body}\n\n${lines.join('\n')}\n\n${replyHint(options.length)}`;
}

/** The choice a numeric reply names ("2", " 2. ", "#2"), or null when it names none of those offered. */
export function choiceForReply(text: string, offered: readonly Choice[]): Choice | null {
  const match = /^\s*#?\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (!match) return null;
  return offered[Number(match[1]) - 1] ?? null;
}

type TemplateMessage = Extract<OutboundMessage, { kind: 'template' }>;

const EMPTY = '\u0000';

/**
 * A template's body as plain text: `{{1}}`, `{{ 2 }}`… replaced by the parameters in order. A placeholder
 * without a parameter (or with an empty one) is dropped with the spaces before it ("Hi {{1}}, …" → "Hi, …");
 * extra parameters are unused. The body's own text is kept as written.
 */
export function templateText(message: Pick<TemplateMessage, 'params'>, body: string): string {
  const filled = body.replace(/\{\{\s*(\d+)\s*\}\}/g, (_, n: string) => {
    const value = message.params[Number(n) - 1];
    return value === undefined || value === '' ? EMPTY : value;
  });
  return filled.replace(/[ \t]*\u0000/g, '').trim();
}

/** The body of a template in a language (the studio's `templateBodies`: src/studio/template-bodies.ts). */
export type TemplateBodyOf = (name: string, language: string) => string | undefined;

// GSM 03.38 basic set and its extension (extension characters take two septets).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

export interface Segments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/** How many SMS segments a text takes: GSM-7 160 in one or 153 per part, else UCS-2 70 or 67 per part. */
export function smsSegments(text: string): Segments {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXTENSION.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  }
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** The most segments one message may take (Twilio concatenates up to 10 reliably; 1,600 characters). */
export const MAX_SEGMENTS = 10;

/** The text, cut at a word (with "…") when it would take more than `maxSegments` segments. */
export function boundSms(text: string, maxSegments = MAX_SEGMENTS): string {
  if (smsSegments(text).segments <= maxSegments) return text;
  const chars = Array.from(text);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (smsSegments(`${chars.slice(0, mid).join('')}…`).segments <= maxSegments) low = mid;
    else high = mid - 1;
  }
  const cut = chars.slice(0, low).join('');
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${(atWord.length > cut.length / 2 ? atWord : cut).trimEnd()}…`;
}

/**
 * A channel-neutral message as the one SMS body it becomes (bounded), or null for a template the studio has
 * no body for: it is not sent (its name and parameters mean nothing to a lead).
 */
export function renderSms(message: OutboundMessage, bodyOf: TemplateBodyOf = () => undefined): string | null {
  switch (message.kind) {
    case 'text':
      return boundSms(message.text);
    case 'interactive':
      return boundSms(renderChoices(message.body, message.options));
    case 'template': {
      const body = bodyOf(message.name, message.language);
      if (body === undefined) return null;
      const text = templateText(message, body);
      return text === '' ? null : boundSms(text);
    }
  }
}

export type SmsKeyword = 'opt_out' | 'opt_in' | 'help';

const KEYWORDS: Readonly<Record<string, SmsKeyword>> = {
  STOP: 'opt_out',
  STOPALL: 'opt_out',
  UNSUBSCRIBE: 'opt_out',
  CANCEL: 'opt_out',
  END: 'opt_out',
  QUIT: 'opt_out',
  START: 'opt_in',
  YES: 'opt_in',
  UNSTOP: 'opt_in',
  HELP: 'help',
  INFO: 'help',
};

/** The carrier keyword a whole message is (case and surrounding space and punctuation ignored), if any. */
export function smsKeyword(text: string): SmsKeyword | null {
  const word = text
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  return KEYWORDS[word] ?? null;
}

/**
 * What a HELP or INFO message is answered with (the studio's `helpText`, else a default naming the studio
 * and how to opt out and back in, as carriers require of a HELP answer).
 */
export function smsHelpText(studio: Pick<Studio, 'name'> & { helpText?: string | undefined }): string {
  return (
    studio.helpText ??
    `${studio.name}: reply to this number to talk to us. Reply STOP to unsubscribe, START to resubscribe.`
  );
}

/**
 * An inbound SMS as the machine should read it: a number naming one of the choices last offered becomes
 * that choice (as a tap would on WhatsApp); every carrier opt-out keyword becomes STOP; START, YES and
 * UNSTOP become START, but only for a lead who is opted out (a "yes" mid-conversation is an answer).
 */
export function translateSmsInbound(content: InboundContent, lead: InboundView): InboundContent {
  if (content.kind !== 'text') return content;
  const choice = choiceForReply(content.text, lead.offeredChoices);
  if (choice !== null) return { kind: 'interactive', id: choice.id, title: choice.title };
  const keyword = smsKeyword(content.text);
  if (keyword === 'opt_out') return { kind: 'text', text: 'STOP' };
  if (keyword === 'opt_in' && lead.optedOut) return { kind: 'text', text: 'START' };
  return content;
}

/** HELP and INFO are answered by the channel with the studio's help text; anything else is the machine's. */
export function answerSmsInbound(
  content: InboundContent,
  studio: Pick<Studio, 'name'> & { helpText?: string | undefined },
): string | null {
  if (content.kind !== 'text' || smsKeyword(content.text) !== 'help') return null;
  return smsHelpText(studio);
}

export const smsPolicy: ChannelPolicy = {
  channel: 'sms',
  replyAddress: phoneReplyAddress,
  freeFormOpen: () => true,
  closedByStatus: () => false,
  translateInbound: translateSmsInbound,
  answerInbound: answerSmsInbound,
};
