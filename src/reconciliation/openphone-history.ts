// OpenPhone's (Quo's) message history of one number. GET /v1/messages needs a participant, so the
// conversations of the number active since the window began are listed first (GET /v1/conversations),
// then each participant's messages, newest first, page by page. One HTTP request per page() call; the
// cursor holds the conversation page token, the participants still to read and the message page token.
import { z } from 'zod';
import type { OpenphoneClient, OpenphoneMessage } from '../effects/openphone/openphone-client.ts';
import type { HistoryCursor, HistoryMessage, HistorySource } from './history.ts';
import type { ProviderCall } from './provider-calls.ts';

const cursorSchema = z.object({
  /** null: the conversations have all been listed. */
  conversationToken: z.string().nullable(),
  conversationsListed: z.boolean(),
  participants: z.array(z.string()),
  messageToken: z.string().nullable(),
});
type Cursor = z.infer<typeof cursorSchema>;

function toHistory(m: OpenphoneMessage, number: string): HistoryMessage | undefined {
  const ms = Date.parse(m.createdAt);
  const to = m.direction === 'incoming' ? number : m.to[0];
  if (!Number.isFinite(ms) || to === undefined) return undefined;
  return {
    provider: 'openphone',
    id: m.id,
    direction: m.direction === 'incoming' ? 'in' : 'out',
    from: m.direction === 'incoming' ? m.from : number,
    to,
    text: m.text ?? '',
    media: [],
    sentAt: new Date(ms).toISOString(),
  };
}

const asCursor = (c: Cursor): HistoryCursor => ({ ...c });

export function openphoneHistory(client: OpenphoneClient, call: ProviderCall, pageSize = 100): HistorySource {
  return {
    async page(number, since, raw) {
      const phoneNumberId = number.phoneNumberId;
      if (phoneNumberId === undefined)
        throw new Error(`OpenPhone number ${number.number} has no phoneNumberId`);
      const cursor: Cursor =
        raw === null
          ? { conversationToken: null, conversationsListed: false, participants: [], messageToken: null }
          : cursorSchema.parse(raw);
      const [participant, ...rest] = cursor.participants;
      if (participant === undefined) {
        if (cursor.conversationsListed) return { messages: [], next: null };
        const page = await call(() =>
          client.listConversations(
            { phoneNumberId, updatedAfter: since, maxResults: pageSize },
            cursor.conversationToken ?? undefined,
          ),
        );
        const participants = page.conversations
          .flatMap((c) => c.participants)
          .filter((p) => p !== number.number);
        const next: Cursor = {
          conversationToken: page.nextPageToken,
          conversationsListed: page.nextPageToken === null,
          participants: [...new Set(participants)],
          messageToken: null,
        };
        const done = next.conversationsListed && next.participants.length === 0;
        return { messages: [], next: done ? null : asCursor(next) };
      }
      const page = await call(() =>
        client.listPage(
          { phoneNumberId, participant, createdAfter: since, maxResults: pageSize },
          cursor.messageToken ?? undefined,
        ),
      );
      const messages = page.messages
        .map((m) => toHistory(m, number.number))
        .filter((m): m is HistoryMessage => m !== undefined);
      const next: Cursor =
        page.nextPageToken !== null
          ? { ...cursor, messageToken: page.nextPageToken }
          : { ...cursor, participants: rest, messageToken: null };
      const done = next.conversationsListed && next.participants.length === 0;
      return { messages, next: done ? null : asCursor(next) };
    },
  };
}
