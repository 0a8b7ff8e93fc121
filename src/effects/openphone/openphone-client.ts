// OpenPhone's (Quo's) REST API: send a message (POST /v1/messages, JSON, 202) and page through a number's
// history for reconciliation (GET /v1/conversations for its participants, GET /v1/messages per
// participant). The header is `Authorization: <API key>` (no Bearer). Error bodies are `{message, code,
// status, docs, title}`; 429 (10 requests/s per key) and 5xx back off. Quo documents no opt-out error: a
// 4xx is permanent with its message kept.
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { parseRetryAfter, permanent, retryable, type EffectError } from '../effect-errors.ts';
import { httpRequest, type HttpTimeouts } from '../http-request.ts';
import { jsonResponse } from '../json-response.ts';
import { downloadMedium } from '../media/download-medium.ts';

const messageSchema = z.looseObject({
  id: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  text: z.string().nullable().optional(),
  direction: z.enum(['incoming', 'outgoing']),
  status: z.string(),
  createdAt: z.string(),
  phoneNumberId: z.string().nullable().optional(),
});
export type OpenphoneMessage = z.infer<typeof messageSchema>;

export interface OpenphoneListQuery {
  phoneNumberId: string;
  participant: string;
  createdAfter?: Date;
  maxResults?: number;
}

export interface OpenphoneConversationQuery {
  phoneNumberId: string;
  /** Conversations with activity at or after this time. */
  updatedAfter?: Date;
  maxResults?: number;
}

export interface OpenphoneConversation {
  id: string;
  participants: string[];
}

export interface OpenphoneClient {
  send(message: { from: string; to: string; content: string }): Promise<{ id: string; status: string }>;
  listPage(
    query: OpenphoneListQuery,
    pageToken?: string,
  ): Promise<{ messages: OpenphoneMessage[]; nextPageToken: string | null }>;
  /** GET /v1/conversations: who the number talked with (GET /v1/messages needs a participant). */
  listConversations(
    query: OpenphoneConversationQuery,
    pageToken?: string,
  ): Promise<{ conversations: OpenphoneConversation[]; nextPageToken: string | null }>;
  /**
   * A medium of an inbound message (its `media[].url`), with the API key only when `withKey` (the URL is
   * OpenPhone's own); redirects are followed, the key never sent to another host.
   */
  download(
    url: string,
    maxBytes: number,
    withKey: boolean,
  ): Promise<{ bytes: Buffer; mimeType: string | undefined }>;
}

const conversationSchema = z.looseObject({ id: z.string(), participants: z.array(z.string()) });

export function openphoneError(status: number, headers: IncomingHttpHeaders, body: Buffer): EffectError {
  let parsed: { message?: string; code?: string } = {};
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    // Not JSON: the status alone classifies it.
  }
  const code = typeof parsed.code === 'string' ? parsed.code : null;
  const message = `OpenPhone ${status}${code === null ? '' : ` (${code})`}: ${parsed.message ?? `HTTP ${status}`}`;
  const header: unknown = headers['retry-after'];
  const retryAfterMs = parseRetryAfter(typeof header === 'string' ? header : undefined);
  const details = { code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 429) return retryable(message, { ...details, reason: 'rate_limited' });
  if (status >= 500) return retryable(message, { ...details, reason: 'provider_unavailable' });
  if (status === 401 || status === 403) return permanent(message, { ...details, reason: 'unauthorized' });
  return permanent(message, { ...details, reason: 'rejected' });
}

export function createOpenphoneClient(options: {
  baseUrl: string;
  apiKey: string | undefined;
  timeouts: HttpTimeouts;
}): OpenphoneClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const auth = () => {
    if (!options.apiKey) throw permanent('OPENPHONE_API_KEY is not set', { reason: 'not_configured' });
    return { authorization: options.apiKey };
  };
  /** One page of a list endpoint: `{data: [...], nextPageToken}`. */
  async function getPage<T extends z.ZodType>(
    path: string,
    params: URLSearchParams,
    pageToken: string | undefined,
    item: T,
  ): Promise<{ data: z.infer<T>[]; nextPageToken: string | null }> {
    if (pageToken !== undefined) params.set('pageToken', pageToken);
    const res = await httpRequest({
      method: 'GET',
      url: `${base}${path}?${params.toString()}`,
      headers: auth(),
      timeouts: options.timeouts,
    });
    if (res.status !== 200) throw openphoneError(res.status, res.headers, res.body);
    const schema = z.looseObject({ data: z.array(item), nextPageToken: z.string().nullable().optional() });
    const page = jsonResponse('OpenPhone', res, schema);
    return { data: page.data, nextPageToken: page.nextPageToken ?? null };
  }

  return {
    async send(message) {
      const res = await httpRequest({
        method: 'POST',
        url: `${base}/v1/messages`,
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ content: message.content, from: message.from, to: [message.to] }),
        timeouts: options.timeouts,
      });
      if (res.status < 200 || res.status >= 300) throw openphoneError(res.status, res.headers, res.body);
      const { data } = jsonResponse('OpenPhone', res, z.object({ data: messageSchema }));
      return { id: data.id, status: data.status };
    },

    async listPage(query, pageToken) {
      const params = new URLSearchParams({
        phoneNumberId: query.phoneNumberId,
        participants: query.participant,
        maxResults: String(query.maxResults ?? 100),
      });
      if (query.createdAfter !== undefined) params.set('createdAfter', query.createdAfter.toISOString());
      const page = await getPage('/v1/messages', params, pageToken, messageSchema);
      return { messages: page.data, nextPageToken: page.nextPageToken };
    },

    download(url, maxBytes, withKey) {
      return downloadMedium({
        provider: 'OpenPhone',
        url,
        maxBytes,
        timeouts: options.timeouts,
        credentials: withKey ? auth() : {},
        error: openphoneError,
      });
    },

    async listConversations(query, pageToken) {
      const params = new URLSearchParams({
        phoneNumbers: query.phoneNumberId,
        maxResults: String(query.maxResults ?? 100),
      });
      if (query.updatedAfter !== undefined) params.set('updatedAfter', query.updatedAfter.toISOString());
      const page = await getPage('/v1/conversations', params, pageToken, conversationSchema);
      return { conversations: page.data, nextPageToken: page.nextPageToken };
    },
  };
}
