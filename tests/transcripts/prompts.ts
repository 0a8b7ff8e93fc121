// The demo studio's wording, so golden transcripts read like the conversation itself.
import { withChoices } from '../machines/lead-driver.ts';

export const IDEA = 'Tell us about your tattoo idea.';
export const PLACEMENT = 'Where on your body would it go?';
export const SIZE = 'Roughly how big? For example 10x15cm.';
/** The style question's options as sent: one reply button per style, its id naming the style. */
export const STYLE_CHOICES = ['realism', 'blackwork', 'fine line'].map((style) => ({
  id: `style:${style}`,
  title: style,
}));
/** The style question's body: the options in words too (transcripts, admin reads, typed replies). */
export const STYLE_PROMPT = 'Which style? (realism, blackwork, fine line)';
export const STYLE = withChoices(STYLE_PROMPT, STYLE_CHOICES);
export const STYLE_REPAIR = withChoices(
  "Sorry, I didn't recognise that style. Please pick one of: realism, blackwork, fine line.",
  STYLE_CHOICES,
);
export const REFS = 'Any reference images? Send photos, describe them, or say none.';
export const BUDGET = 'What budget do you have in mind? For example £300.';
export const GREETING = `Hi Alex! Thanks for getting in touch with Inkwell Tattoo. I'll ask you a few quick questions.\n\n${IDEA}`;
/** The first message already was the idea: greeted, and asked the second question. */
export const GREETING_WITH_IDEA = `Hi Alex! Thanks for getting in touch with Inkwell Tattoo. Thanks, got that. Just a few more quick questions.\n\n${PLACEMENT}`;
export const REVIEWING = 'Thanks! The artist is reviewing your request and will get back to you soon.';
export const HANDOVER_ACK = "Sure, I've let the artist know. They'll reply to you here personally.";
export const OPT_OUT_CONFIRM =
  "You've been unsubscribed and won't get any more messages from us. Reply START to resubscribe.";
export const DEPOSIT_LINK = (url: string) =>
  `Great news: Inkwell Tattoo would love to do your tattoo! To secure your booking, please pay the £50.00 deposit here: ${url}`;

export function summary(lines: string[]): string {
  return [
    "Thanks! Here's a summary of your request:",
    ...lines.map((l) => `• ${l}`),
    'The artist will review it and get back to you here soon.',
  ].join('\n');
}
