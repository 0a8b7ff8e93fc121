// The live stream of a web session as Server-Sent Events: first what is stored after Last-Event-ID, then
// every message announced on the session's notice topic (listened to before the stored ones are read, so
// nothing falls between the two; an event id is sent once). A comment line every 15 s keeps proxies from
// closing an idle stream. Streams end when the client goes or the gateway closes.
import type { FastifyReply } from 'fastify';
import type { Bus } from '../bus/bus.ts';
import type { Db } from '../persistence/database.ts';
import {
  listSessionMessages,
  sessionMessageBodySchema,
  type SessionMessage,
} from '../sessions/session-messages.ts';
import { sessionTopic } from '../sessions/session-stream.ts';
import { sessionMessageView } from './session-view.ts';
import { z } from 'zod';

const HEARTBEAT_MS = 15_000;
const PAGE = 500;

const announcedSchema = z.object({
  seq: z.number().int(),
  messageId: z.string(),
  direction: z.enum(['in', 'out']),
  body: sessionMessageBodySchema,
  at: z.string(),
});

/** The gateway's open streams, ended when it closes. */
export type OpenStreams = Set<() => void>;

export async function streamSessionEvents(
  deps: { db: Db; bus: Bus; streams: OpenStreams },
  reply: FastifyReply,
  sessionId: string,
  lastEventId: number,
): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  // Headers set by the hooks so far (trace id, CORS) go out with the stream's own.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) raw.setHeader(name, typeof value === 'number' ? String(value) : value);
  }
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');
  const sent = new Set<number>();
  let replaying = true;
  const held: SessionMessage[] = [];
  const send = (message: SessionMessage) => {
    if (message.seq <= lastEventId || sent.has(message.seq) || raw.writableEnded) return;
    sent.add(message.seq);
    raw.write(`id: ${message.seq}\nevent: message\ndata: ${JSON.stringify(sessionMessageView(message))}\n\n`);
  };
  const unlisten = deps.bus.listen(sessionTopic(sessionId), (payload) => {
    const message = announcedSchema.safeParse(payload);
    if (!message.success) return;
    if (replaying) held.push(message.data);
    else send(message.data);
  });
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    clearInterval(heartbeat);
    unlisten();
    deps.streams.delete(end);
    if (!raw.writableEnded) raw.end();
  };
  deps.streams.add(end);
  raw.on('close', end);
  try {
    let after = lastEventId;
    for (;;) {
      const page = await listSessionMessages(deps.db, sessionId, { afterSeq: after, limit: PAGE });
      for (const message of page) send(message);
      after = page.at(-1)?.seq ?? after;
      if (page.length < PAGE) break;
    }
  } catch {
    end();
    return;
  }
  replaying = false;
  for (const message of held.sort((a, b) => a.seq - b.seq)) send(message);
}
