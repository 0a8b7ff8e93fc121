// A local server speaking OpenPhone's (Quo's) public API: POST /v1/messages (raw `Authorization: <key>`,
// JSON body, 202 {data:{…status:"queued"}}), GET /v1/messages (phoneNumberId, participants and
// maxResults required; createdAfter/createdBefore; nextPageToken), GET /v1/conversations (phoneNumbers,
// updatedAfter, maxResults, pageToken; one conversation per participant, derived from the history), its
// error envelope {message,code,status,docs,title}, and 429 past 10 requests in a second. Quo documents no opt-out error:
// the fake answers a send to an opted-out number with 400 code "0206400" [U]. `received()` / `delivered()`
// build signed webhook events (legacy openphone-signature, or Standard Webhooks with a whsec_ key) and
// record the message in the history so reconciliation can find one whose webhook never came.
import { randomBytes } from 'node:crypto';
import {
  signOpenphoneLegacy,
  signOpenphoneStandard,
} from '../../src/gateway/webhooks/openphone-signature.ts';
import { listen, playFailure, readBody, sendJson, type Failure, type FakeServer } from './fake-http.ts';

export interface OpenphoneFakeMessage {
  id: string;
  from: string;
  to: string[];
  text: string;
  direction: 'incoming' | 'outgoing';
  status: string;
  phoneNumberId: string | null;
  createdAt: Date;
}

export interface OpenphoneSignedWebhook {
  body: string;
  headers: Record<string, string>;
}

export interface FakeOpenphoneApi extends FakeServer {
  apiKey: string;
  sent: OpenphoneFakeMessage[];
  history: OpenphoneFakeMessage[];
  failNext(...failures: Failure[]): void;
  /** Requests refused with 429 (more than 10 in a second). */
  rateLimited: number;
  /** Every request, `METHOD path?query`. */
  requests: string[];
  /** Puts messages in the history without any webhook (bulk seeding for reconciliation). */
  seedHistory(
    messages: {
      from: string;
      to: string;
      text: string;
      direction: 'incoming' | 'outgoing';
      createdAt: Date;
      id?: string;
    }[],
  ): OpenphoneFakeMessage[];
  optOut(number: string): void;
  /** Serves a medium at `<url>/media/<id>` behind the API key, as an inbound message's `media[].url`. */
  addMedia(id: string, bytes: Buffer, mimeType: string): string;
  /** Media requests, with whether they carried the API key. */
  mediaRequests: { path: string; withKey: boolean }[];
  /** Maps our number to its phone number id (PN…), as the account has it. */
  addNumber(number: string, phoneNumberId: string): void;
  received(
    secret: string,
    message: {
      from: string;
      to: string;
      text: string;
      id?: string;
      media?: { url: string; type: string }[];
    },
    options?: { at?: Date; standard?: boolean },
  ): OpenphoneSignedWebhook;
  /** `numbers: false`: the message object without from/to (only its id identifies it). */
  delivered(
    secret: string,
    id: string,
    options?: { at?: Date; standard?: boolean; numbers?: boolean },
  ): OpenphoneSignedWebhook;
}

const json = (m: OpenphoneFakeMessage) => ({
  id: m.id,
  to: m.to,
  from: m.from,
  text: m.text,
  phoneNumberId: m.phoneNumberId,
  direction: m.direction,
  userId: 'USfake',
  status: m.status,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.createdAt.toISOString(),
});

function errorJson(status: number, code: string, title: string, message: string) {
  return { message, code, status, docs: 'https://openphone.com/docs', title };
}

export async function startFakeOpenphoneApi(apiKey = 'test-openphone-api-key'): Promise<FakeOpenphoneApi> {
  const sent: OpenphoneFakeMessage[] = [];
  const history: OpenphoneFakeMessage[] = [];
  const failures: Failure[] = [];
  const optedOut = new Set<string>();
  const numbers = new Map<string, string>();
  let windowStart = 0;
  let inWindow = 0;
  const requests: string[] = [];
  const state = { rateLimited: 0 };
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const mediaRequests: { path: string; withKey: boolean }[] = [];
  let baseUrl = '';

  const sign = (secret: string, event: unknown, at: Date, standard: boolean): OpenphoneSignedWebhook => {
    const body = JSON.stringify(event);
    const headers: Record<string, string> = standard
      ? signOpenphoneStandard(secret, `msg_${randomBytes(8).toString('hex')}`, body, at)
      : { 'openphone-signature': signOpenphoneLegacy(secret, body, at) };
    return { body, headers: { 'content-type': 'application/json', ...headers } };
  };
  const event = (type: string, m: OpenphoneFakeMessage, at: Date) => ({
    id: `EV${randomBytes(12).toString('hex')}`,
    object: 'event',
    apiVersion: 'v4',
    createdAt: at.toISOString(),
    type,
    data: { object: { ...json(m), object: 'message', to: m.to[0] } },
  });

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/media/') && req.method === 'GET') {
      const withKey = req.headers.authorization === apiKey;
      mediaRequests.push({ path: url.pathname, withKey });
      if (!withKey) return sendJson(res, 401, errorJson(401, '0200401', 'Unauthorized', 'Invalid API key'));
      const item = media.get(url.pathname.slice('/media/'.length));
      if (!item) return sendJson(res, 404, errorJson(404, '0200404', 'Not Found', 'Not found'));
      res.writeHead(200, { 'content-type': item.mimeType });
      return void res.end(item.bytes);
    }
    const now = Date.now();
    requests.push(`${req.method ?? 'GET'} ${url.pathname}${url.search}`);
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    if (++inWindow > 10 && ++state.rateLimited > 0)
      return sendJson(res, 429, errorJson(429, '0200429', 'Too Many Requests', 'Rate limit exceeded'), {
        'retry-after': '1',
      });
    if (req.headers.authorization !== apiKey)
      return sendJson(res, 401, errorJson(401, '0200401', 'Unauthorized', 'Invalid API key'));
    if (url.pathname === '/v1/conversations' && req.method === 'GET') {
      // One conversation per (our number, other participant), most recent activity first.
      const q = url.searchParams;
      const wanted = [...q.getAll('phoneNumbers'), ...q.getAll('phoneNumbers[]')];
      const maxResults = Number(q.get('maxResults') ?? 10);
      if (!(maxResults >= 1 && maxResults <= 100))
        return sendJson(res, 400, errorJson(400, '0200400', 'Bad Request', 'maxResults must be 1-100'));
      const after = q.get('updatedAfter');
      const byKey = new Map<string, { phoneNumberId: string; participant: string; last: number }>();
      for (const m of history) {
        if (m.phoneNumberId === null) continue;
        const participant = m.direction === 'incoming' ? m.from : (m.to[0] ?? '');
        const key = `${m.phoneNumberId} ${participant}`;
        const last = Math.max(byKey.get(key)?.last ?? 0, m.createdAt.getTime());
        byKey.set(key, { phoneNumberId: m.phoneNumberId, participant, last });
      }
      const matching = [...byKey.values()]
        .filter((c) => wanted.length === 0 || wanted.includes(c.phoneNumberId))
        .filter((c) => after === null || c.last >= Date.parse(after))
        .sort((a, b) => b.last - a.last);
      const start = Number(q.get('pageToken') ?? 0) || 0;
      const slice = matching.slice(start, start + maxResults);
      return sendJson(res, 200, {
        data: slice.map((c) => ({
          id: `CN${Buffer.from(`${c.phoneNumberId}${c.participant}`).toString('hex').slice(0, 20)}`,
          phoneNumberId: c.phoneNumberId,
          participants: [c.participant],
          lastActivityAt: new Date(c.last).toISOString(),
          createdAt: new Date(c.last).toISOString(),
          updatedAt: new Date(c.last).toISOString(),
        })),
        totalItems: matching.length,
        nextPageToken: start + maxResults < matching.length ? String(start + maxResults) : null,
      });
    }
    if (url.pathname !== '/v1/messages')
      return sendJson(res, 404, errorJson(404, '0200404', 'Not Found', 'Not found'));

    if (req.method === 'POST') {
      const failure = failures.shift();
      if (failure) return playFailure(res, failure);
      let body: { content?: unknown; from?: unknown; to?: unknown };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        return sendJson(res, 400, errorJson(400, '0200400', 'Bad Request', 'Body is not JSON'));
      }
      const { content, from, to } = body;
      if (typeof content !== 'string' || content.trim() === '' || content.length > 1600)
        return sendJson(
          res,
          400,
          errorJson(400, '0200400', 'Bad Request', 'content must be 1-1600 characters'),
        );
      if (typeof from !== 'string' || !Array.isArray(to) || to.length !== 1 || typeof to[0] !== 'string')
        return sendJson(res, 400, errorJson(400, '0200400', 'Bad Request', 'from and to[1] are required'));
      const recipient = to[0];
      if (optedOut.has(recipient))
        return sendJson(
          res,
          400,
          errorJson(400, '0206400', 'Recipient Opted Out', 'The recipient opted out'),
        );
      const message: OpenphoneFakeMessage = {
        id: `AC${randomBytes(12).toString('hex')}`,
        from: numbers.has(from) ? from : ([...numbers].find(([, id]) => id === from)?.[0] ?? from),
        to: [recipient],
        text: content,
        direction: 'outgoing',
        status: 'queued',
        phoneNumberId: numbers.get(from) ?? (from.startsWith('PN') ? from : null),
        createdAt: new Date(),
      };
      sent.push(message);
      history.push(message);
      return sendJson(res, 202, { data: json(message) });
    }

    if (req.method === 'GET') {
      const q = url.searchParams;
      const phoneNumberId = q.get('phoneNumberId');
      const participant = q.get('participants') ?? q.get('participants[]');
      const maxResults = Number(q.get('maxResults'));
      if (!phoneNumberId || !participant || !(maxResults >= 1 && maxResults <= 100))
        return sendJson(
          res,
          400,
          errorJson(
            400,
            '0200400',
            'Bad Request',
            'phoneNumberId, participants and maxResults (1-100) are required',
          ),
        );
      const after = q.get('createdAfter');
      const before = q.get('createdBefore');
      const matching = history
        .filter((m) => m.phoneNumberId === phoneNumberId)
        .filter((m) => m.to.includes(participant) || m.from === participant)
        .filter((m) => after === null || m.createdAt.getTime() >= Date.parse(after))
        .filter((m) => before === null || m.createdAt.getTime() < Date.parse(before))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      const start = Number(q.get('pageToken') ?? 0) || 0;
      const slice = matching.slice(start, start + maxResults);
      return sendJson(res, 200, {
        data: slice.map(json),
        totalItems: matching.length,
        nextPageToken: start + maxResults < matching.length ? String(start + maxResults) : null,
      });
    }
    return sendJson(res, 405, errorJson(405, '0200405', 'Method Not Allowed', 'Method not allowed'));
  });

  baseUrl = server.url;

  return {
    url: server.url,
    close: () => server.close(),
    apiKey,
    mediaRequests,
    addMedia(id, bytes, mimeType) {
      media.set(id, { bytes, mimeType });
      return `${baseUrl}/media/${id}`;
    },
    sent,
    history,
    failNext: (...f) => failures.push(...f),
    get rateLimited() {
      return state.rateLimited;
    },
    requests,
    seedHistory(messages) {
      const seeded = messages.map((m): OpenphoneFakeMessage => {
        const ours = m.direction === 'incoming' ? m.to : m.from;
        return {
          id: m.id ?? `AC${randomBytes(12).toString('hex')}`,
          from: m.from,
          to: [m.to],
          text: m.text,
          direction: m.direction,
          status: m.direction === 'incoming' ? 'received' : 'delivered',
          phoneNumberId: numbers.get(ours) ?? null,
          createdAt: m.createdAt,
        };
      });
      history.push(...seeded);
      return seeded;
    },
    optOut: (number) => optedOut.add(number),
    addNumber: (number, id) => numbers.set(number, id),
    received(secret, message, options = {}) {
      const at = options.at ?? new Date();
      const m: OpenphoneFakeMessage = {
        id: message.id ?? `AC${randomBytes(12).toString('hex')}`,
        from: message.from,
        to: [message.to],
        text: message.text,
        direction: 'incoming',
        status: 'received',
        phoneNumberId: numbers.get(message.to) ?? null,
        createdAt: at,
      };
      if (!history.some((x) => x.id === m.id)) history.push(m);
      const received = event('message.received', m, at);
      if (message.media !== undefined)
        received.data.object = {
          ...received.data.object,
          media: message.media,
        } as typeof received.data.object;
      return sign(secret, received, at, options.standard ?? false);
    },
    delivered(secret, id, options = {}) {
      const at = options.at ?? new Date();
      const m = sent.find((x) => x.id === id);
      if (!m) throw new Error(`no sent message ${id}`);
      m.status = 'delivered';
      const delivered = event('message.delivered', m, at);
      if (options.numbers === false) {
        const { from: _from, to: _to, ...rest } = delivered.data.object;
        return sign(secret, { ...delivered, data: { object: rest } }, at, options.standard ?? false);
      }
      return sign(secret, delivered, at, options.standard ?? false);
    },
  };
}
