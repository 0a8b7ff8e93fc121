// An artist notification on WhatsApp, from the studio's number. Meta delivers a free-form message only
// inside the artist's 24-hour window (the artist wrote to the studio number within `windowHours`, see
// artist_messages); outside it the studio's approved artist template goes instead: the text as its one body
// parameter and, for approvals, the two link tokens as its URL buttons' suffixes. A studio without those
// templates keeps the free-form message (and `config check` says so).
import type { OutboundMessage } from '../../domain/effects.ts';
import { fitText, OUTBOUND_TEXT_LIMIT } from '../../domain/sanitize.ts';
import type { Db } from '../../persistence/database.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import type { ActionLinks } from './artist-channels.ts';

const HOUR_MS = 3_600_000;
/** Meta refuses template parameters with newlines, tabs or runs of spaces; bodies are at most 1,024. */
const TEMPLATE_PARAM_MAX = 900;

/** Whether the artist wrote to the studio number within the studio's window (so free-form is delivered). */
export async function artistWindowOpen(
  db: Db,
  studio: Studio,
  artistId: string,
  now: Date,
): Promise<boolean> {
  const since = new Date(now.getTime() - studio.timings.windowHours * HOUR_MS);
  const row = await db
    .selectFrom('artist_messages')
    .select('sent_at')
    .where('studio_id', '=', studio.id)
    .where('artist_id', '=', artistId)
    .where('channel', '=', 'whatsapp')
    .where('sent_at', '>', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A notification's text as one template body parameter. */
export function templateParam(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= TEMPLATE_PARAM_MAX ? line : `${line.slice(0, TEMPLATE_PARAM_MAX - 1)}…`;
}

/** "Approve: …/a/<token>\nReject: …/a/<token>" (empty without links). */
export function linkLines(links: ActionLinks | undefined): string {
  if (!links) return '';
  return `Approve: ${links.base}/a/${links.tokens.approve}\nReject: ${links.base}/a/${links.tokens.reject}`;
}

/** The WhatsApp message: the artist template outside the window (when the studio has one), else free-form. */
export async function artistWhatsappMessage(
  db: Db,
  studio: Studio,
  input: { artistId: string; text: string; links: ActionLinks | undefined; now: Date },
): Promise<{ message: OutboundMessage; template?: string }> {
  const { links } = input;
  const template = links ? studio.templates.artistApproval : studio.templates.artistUpdate;
  if (template !== undefined && !(await artistWindowOpen(db, studio, input.artistId, input.now)))
    return {
      template,
      message: {
        kind: 'template',
        name: template,
        language: studio.language,
        params: [templateParam(input.text)],
        ...(links ? { buttons: [links.tokens.approve, links.tokens.reject] } : {}),
      },
    };
  // The links always fit: a long request (a lead's long answers) is cut before them, not they.
  const tail = links ? `\n\n${linkLines(links)}` : '';
  return {
    message: {
      kind: 'text',
      text: `${fitText(input.text, OUTBOUND_TEXT_LIMIT - tail.length)}${tail}`,
      // A link preview is a fetch of the link; the page does not act on GET, but no preview is safer.
      previewUrl: false,
    },
  };
}
