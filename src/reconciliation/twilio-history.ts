// Twilio's message history of one number: first the messages sent to it (`To=`, inbound), then the ones
// sent from it (`From=`, outbound), each newest first with `DateSent>` and followed by `next_page_uri`.
// Twilio reads `DateSent>` by day, so messages before `since` are dropped here. Listed MMS carry no
// media URLs (those are a sub-resource): a missed MMS is delivered with its text.
import { z } from 'zod';
import type { TwilioClient, TwilioMessage } from '../effects/twilio/twilio-client.ts';
import type { HistoryMessage, HistorySource } from './history.ts';
import type { ProviderCall } from './provider-calls.ts';

const cursorSchema = z.object({ phase: z.enum(['in', 'out']), nextPageUri: z.string().nullable() });

function sentAt(m: TwilioMessage): string | undefined {
  const raw = m.date_sent ?? m.date_created;
  const ms = raw ? Date.parse(raw) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function toHistory(m: TwilioMessage): HistoryMessage | undefined {
  const at = sentAt(m);
  if (at === undefined || !m.from || !m.to) return undefined;
  const direction =
    m.direction === 'inbound' ? 'in' : m.direction?.startsWith('outbound') ? 'out' : undefined;
  if (direction === undefined) return undefined;
  return {
    provider: 'twilio',
    id: m.sid,
    direction,
    from: m.from,
    to: m.to,
    text: m.body ?? '',
    media: [],
    sentAt: at,
  };
}

export function twilioHistory(client: TwilioClient, call: ProviderCall, pageSize = 1000): HistorySource {
  return {
    async page(number, since, raw) {
      const cursor = raw === null ? { phase: 'in' as const, nextPageUri: null } : cursorSchema.parse(raw);
      const query =
        cursor.phase === 'in'
          ? { to: number.number, dateSentAfter: since, pageSize }
          : { from: number.number, dateSentAfter: since, pageSize };
      const page = await call(() => client.listPage(query, cursor.nextPageUri ?? undefined));
      const wanted = cursor.phase;
      const messages = page.messages
        .map(toHistory)
        .filter((m): m is HistoryMessage => m !== undefined && m.direction === wanted)
        .filter((m) => Date.parse(m.sentAt) >= since.getTime());
      const next =
        page.nextPageUri !== null
          ? { phase: cursor.phase, nextPageUri: page.nextPageUri }
          : cursor.phase === 'in'
            ? { phase: 'out' as const, nextPageUri: null }
            : null;
      return { messages, next };
    },
  };
}
