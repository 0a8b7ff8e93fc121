// The live stream of a web session as Server-Sent Events: what is stored after Last-Event-ID, then, each
// time a message is announced on the session's notice topic (listened to before the first read, so
// nothing falls between the two), what is stored after the last event sent. Ids go out strictly
// increasing and each once, always read from the database in seq order. A comment line every 15 s keeps
// proxies from closing an idle stream. Streams end when the client goes or the gateway closes.
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
  // Event ids go out strictly increasing, each read from the database after the last one sent: a notice
  // only says "there is more". Notices from several writers can arrive out of order, but a session's seq
  // follows commit order (appendSessionMessage), so reading after the last id sent never skips one.
  let lastSent = lastEventId;
  const send = (message: SessionMessage) => {
    if (message.seq <= lastSent || raw.writableEnded) return;
    lastSent = message.seq;
    raw.write(`id: ${message.seq}\nevent: message\ndata: ${JSON.stringify(sessionMessageView(message))}\n\n`);
  };
  let reading: Promise<void> | undefined;
  /** Reads asked for: a notice during a read asks for one more read after it. */
  let asked = 0;
  const readOnce = async () => {
    for (;;) {
      const page = await listSessionMessages(deps.db, sessionId, { afterSeq: lastSent, limit: PAGE });
      for (const message of page) send(message);
      if (page.length < PAGE) return;
    }
  };
  /** Reads what is stored after the last id sent, one read at a time. */
  const catchUp = (): Promise<void> => {
    asked++;
    reading ??= (async () => {
      let done = 0;
      while (done !== asked && !raw.writableEnded) {
        done = asked;
        await readOnce();
      }
    })().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  const unlisten = deps.bus.listen(sessionTopic(sessionId), (payload) => {
    const announced = announcedSchema.safeParse(payload);
    if (announced.success && announced.data.seq <= lastSent) return;
    catchUp().catch(() => end());
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
    await catchUp();
  } catch {
    end();
  }
}
