// A small local server speaking the WhatsApp Cloud (Graph) API: POST /{phone-number-id}/messages,
// GET /{media-id} (metadata with a download url), GET /download/{media-id} (the bytes). Failures can be
// queued per route, and every request is recorded with its time.
import { createHash } from 'node:crypto';
import { listen, playFailure, readBody, sendJson, type Failure, type FakeServer } from './fake-http.ts';

export interface RecordedSend {
  phoneNumberId: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  at: number;
  wamid: string | null;
}

export interface FakeMedia {
  bytes: Buffer;
  mimeType: string;
  /** Reported size; defaults to bytes.length (lie to test the pre-download size check). */
  fileSize?: number;
  /** Reported sha256 (hex); defaults to the real one. */
  sha256?: string;
}

type Route = 'send' | 'media' | 'download';

export interface FakeGraphApi extends FakeServer {
  token: string;
  sends: RecordedSend[];
  requests: { route: Route; at: number }[];
  failNext(route: Route, ...failures: Failure[]): void;
  /** Fails the next sends to one recipient (digits, as Graph sees it) only. */
  failSendsTo(to: string, ...failures: Failure[]): void;
  addMedia(mediaId: string, media: FakeMedia): void;
  /** The message templates of a WhatsApp Business Account (GET /{waba-id}/message_templates, paged). */
  setTemplates(businessAccountId: string, templates: FakeTemplate[]): void;
}

export interface FakeTemplate {
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
  components?: { type: string; text?: string }[];
}

/** The Graph error body for an error code (e.g. 131047 outside the window). */
export function graphErrorBody(code: number, message = 'error'): Record<string, unknown> {
  return {
    error: { message, type: 'OAuthException', code, error_data: { details: message }, fbtrace_id: 'Afake' },
  };
}

export async function startFakeGraphApi(token = 'test-access-token'): Promise<FakeGraphApi> {
  const sends: RecordedSend[] = [];
  const requests: { route: Route; at: number }[] = [];
  const failures: Record<Route, Failure[]> = { send: [], media: [], download: [] };
  const media = new Map<string, FakeMedia>();
  const byRecipient = new Map<string, Failure[]>();
  const templates = new Map<string, FakeTemplate[]>();
  let counter = 0;
  let baseUrl = '';

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const parts = url.pathname.split('/').filter(Boolean);
    const route: Route | undefined =
      req.method === 'POST' && parts[1] === 'messages'
        ? 'send'
        : req.method === 'GET' && parts[0] === 'download'
          ? 'download'
          : req.method === 'GET' && parts.length === 1
            ? 'media'
            : undefined;
    const body = await readBody(req);
    if (req.method === 'GET' && parts.length === 2 && parts[1] === 'message_templates') {
      if (req.headers.authorization !== `Bearer ${token}`)
        return sendJson(res, 401, graphErrorBody(190, 'bad token'));
      const all = templates.get(parts[0] ?? '');
      if (!all) return sendJson(res, 400, graphErrorBody(100, 'Unsupported get request'));
      // Graph's cursor paging: `limit` per page, `paging.next` an absolute URL with `after`.
      const limit = Number(url.searchParams.get('limit') ?? '25');
      const after = Number(url.searchParams.get('after') ?? '0');
      const page = all.slice(after, after + limit);
      const nextUrl = new URL(`${baseUrl}${url.pathname}`);
      nextUrl.searchParams.set('limit', String(limit));
      nextUrl.searchParams.set('after', String(after + limit));
      return sendJson(res, 200, {
        data: page.map((t, i) => ({ ...t, id: `tpl${after + i}`, category: 'UTILITY' })),
        paging: {
          cursors: { before: String(after), after: String(after + limit) },
          ...(after + limit < all.length ? { next: nextUrl.toString() } : {}),
        },
      });
    }
    if (!route) return sendJson(res, 404, graphErrorBody(100, 'unknown path'));
    requests.push({ route, at: Date.now() });
    if (req.headers.authorization !== `Bearer ${token}`)
      return sendJson(res, 401, graphErrorBody(190, 'bad token'));
    let failure = failures[route].shift();
    if (route === 'send') {
      const recorded: RecordedSend = {
        phoneNumberId: parts[0] ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(body) as Record<string, unknown>,
        at: Date.now(),
        wamid: null,
      };
      sends.push(recorded);
      failure ??= byRecipient.get(String(recorded.body.to))?.shift();
      if (failure) return playFailure(res, failure);
      recorded.wamid = `wamid.fake${++counter}`;
      return sendJson(res, 200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: recorded.body.to, wa_id: recorded.body.to }],
        messages: [{ id: recorded.wamid }],
      });
    }
    if (failure) return playFailure(res, failure);
    const id = route === 'download' ? parts[1] : parts[0];
    const item = id === undefined ? undefined : media.get(id);
    if (!item || id === undefined) return sendJson(res, 404, graphErrorBody(100, 'media not found'));
    if (route === 'media')
      return sendJson(res, 200, {
        messaging_product: 'whatsapp',
        id,
        url: `${baseUrl}/download/${id}`,
        mime_type: item.mimeType,
        file_size: item.fileSize ?? item.bytes.length,
        sha256: item.sha256 ?? createHash('sha256').update(item.bytes).digest('hex'),
      });
    res.writeHead(200, { 'content-type': item.mimeType });
    res.end(item.bytes);
  });
  baseUrl = server.url;

  return {
    url: server.url,
    close: () => server.close(),
    token,
    sends,
    requests,
    failNext: (route, ...f) => failures[route].push(...f),
    failSendsTo: (to, ...f) => byRecipient.set(to, [...(byRecipient.get(to) ?? []), ...f]),
    addMedia: (mediaId, m) => media.set(mediaId, m),
    setTemplates: (waba, list) => templates.set(waba, list),
  };
}
