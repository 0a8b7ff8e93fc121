// The style question's options as tappable WhatsApp choices (docs/contract.md §2: the `style` question's options,
// defaulting to the studio's styles). The relay turns up to 3 options into reply buttons and more into a
// list (src/effects/whatsapp/message-payload.ts); options that would not fit WhatsApp's limits are not cut
// down to fit (a cut title is a different style), the question goes as plain text instead. The body always
// names the options in words, so the transcript, the admin API and a typed reply all still work.
import type { OutboundMessage } from '../../domain/effects.ts';
import type { InboundContent } from '../../domain/lead-events.ts';

/** WhatsApp Cloud API limits for interactive messages (reply buttons and list rows). */
const MAX_BUTTONS = 3;
const BUTTON_TITLE_MAX = 20;
const MAX_LIST_ROWS = 10;
const LIST_ROW_TITLE_MAX = 24;
/** List row ids may be 200 characters (button ids 256): the smaller one holds for both. */
const OPTION_ID_MAX = 200;
const INTERACTIVE_BODY_MAX = 1024;

const STYLE_ID_PREFIX = 'style:';

function styleChoiceId(style: string): string {
  return `${STYLE_ID_PREFIX}${style}`;
}

/** Whether the options can be buttons (≤ 3) or list rows (≤ 10) with whole, distinct titles. */
function choicesFit(styles: readonly string[]): boolean {
  if (styles.length === 0 || styles.length > MAX_LIST_ROWS) return false;
  const titleMax = styles.length <= MAX_BUTTONS ? BUTTON_TITLE_MAX : LIST_ROW_TITLE_MAX;
  // WhatsApp refuses a message whose buttons or rows repeat a title.
  const distinct = new Set(styles.map((s) => s.trim().toLowerCase())).size === styles.length;
  return (
    distinct &&
    styles.every((s) => s.trim() !== '' && s.length <= titleMax && styleChoiceId(s).length <= OPTION_ID_MAX)
  );
}

/** The body with the styles as choices, or the same body as plain text when they don't fit. */
export function styleChoiceMessage(body: string, styles: readonly string[]): OutboundMessage {
  if (!choicesFit(styles) || body.length > INTERACTIVE_BODY_MAX) return { kind: 'text', text: body };
  return {
    kind: 'interactive',
    body,
    options: styles.map((style) => ({ id: styleChoiceId(style), title: style })),
  };
}

type ChoiceReply = Extract<InboundContent, { kind: 'interactive' | 'button' }>;

/** A reply to style choices (button or list row): its id carries the style as it was offered. */
export function isStyleChoice(content: InboundContent): content is ChoiceReply {
  return (
    (content.kind === 'interactive' || content.kind === 'button') && content.id.startsWith(STYLE_ID_PREFIX)
  );
}

/** The style a choice reply picked, when it is one of `styles` (else null: read its title as words). */
export function chosenStyle(content: InboundContent, styles: readonly string[]): string | null {
  if (!isStyleChoice(content)) return null;
  return styles.find((style) => styleChoiceId(style) === content.id) ?? null;
}
