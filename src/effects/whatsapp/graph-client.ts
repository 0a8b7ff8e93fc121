// The WhatsApp Cloud (Graph) API client: send a message, read media metadata, download media bytes.
// Bearer WHATSAPP_ACCESS_TOKEN on every call, including the short-lived media download URL.
import { z } from 'zod';
import type { OutboundMessage } from '../../domain/effects.ts';
import { permanent, retryable } from '../effect-errors.ts';
import { httpRequest, type HttpResponse, type HttpTimeouts } from '../http-request.ts';
import { graphError } from './graph-errors.ts';
import { graphMessageBody } from './message-payload.ts';

const sendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });
const mediaInfoSchema = z.object({
  url: z.url(),
  mime_type: z.string(),
  file_size: z.coerce.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
});
export type MediaInfo = z.infer<typeof mediaInfoSchema>;
const templatePageSchema = z.object({
  data: z.array(
    z.object({
      name: z.string(),
      language: z.string(),
      status: z.string(),
      /** The template's parts; the BODY's text holds its {{n}} parameters. */
      components: z.array(z.object({ type: z.string(), text: z.string().optional() })).optional(),
    }),
  ),
  paging: z.object({ next: z.url().optional() }).optional(),
});
/** One approved-or-not message template of a WhatsApp Business Account, as Graph lists it. */
export type GraphTemplate = z.infer<typeof templatePageSchema>['data'][number];

export interface GraphClientOptions {
  baseUrl: string;
  accessToken: string | undefined;
  timeouts: HttpTimeouts;
}

export interface GraphClient {
  sendMessage(phoneNumberId: string, to: string, message: OutboundMessage): Promise<{ wamid: string }>;
  getMedia(mediaId: string): Promise<MediaInfo>;
  download(url: string, maxBytes: number): Promise<Buffer>;
  /** Every message template of a WhatsApp Business Account (all pages), with its language and status. */
  listTemplates(businessAccountId: string): Promise<GraphTemplate[]>;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const auth = (): Record<string, string> => {
    if (!options.accessToken)
      throw permanent('WHATSAPP_ACCESS_TOKEN is not set', { reason: 'not_configured' });
    return { authorization: `Bearer ${options.accessToken}` };
  };
  const json = <T>(res: HttpResponse, schema: z.ZodType<T>): T => {
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw retryable(`Graph ${res.status}: response is not JSON`, { reason: 'bad_response' });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw permanent(`Graph ${res.status}: unexpected response shape`, { reason: 'bad_response' });
    return parsed.data;
  };

  return {
    async sendMessage(phoneNumberId, to, message) {
      const res = await httpRequest({
        method: 'POST',
        url: `${base}/${encodeURIComponent(phoneNumberId)}/messages`,
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify(graphMessageBody(to, message)),
        timeouts: options.timeouts,
      });
      if (res.status < 200 || res.status >= 300) throw graphError(res.status, res.headers, res.body, 'send');
      const [first] = json(res, sendResponseSchema).messages;
      if (!first) throw permanent('Graph returned no message id', { reason: 'bad_response' });
      return { wamid: first.id };
    },

    async getMedia(mediaId) {
      const res = await httpRequest({
        method: 'GET',
        url: `${base}/${encodeURIComponent(mediaId)}`,
        headers: auth(),
        timeouts: options.timeouts,
      });
      if (res.status !== 200) throw graphError(res.status, res.headers, res.body, 'media');
      return json(res, mediaInfoSchema);
    },

    async download(url, maxBytes) {
      const res = await httpRequest({
        method: 'GET',
        url,
        headers: auth(),
        timeouts: options.timeouts,
        maxBytes,
      });
      if (res.status !== 200) throw graphError(res.status, res.headers, res.body, 'media');
      return res.body;
    },

    async listTemplates(businessAccountId) {
      const templates: GraphTemplate[] = [];
      let url: string | undefined =
        `${base}/${encodeURIComponent(businessAccountId)}/message_templates?fields=name,language,status,components&limit=100`;
      // Graph pages with an absolute `paging.next`; a bound on pages keeps a misbehaving server finite.
      for (let page = 0; url !== undefined && page < 100; page++) {
        const res = await httpRequest({ method: 'GET', url, headers: auth(), timeouts: options.timeouts });
        if (res.status !== 200) throw graphError(res.status, res.headers, res.body, 'templates');
        const body = json(res, templatePageSchema);
        templates.push(...body.data);
        url = body.paging?.next;
      }
      return templates;
    },
  };
}
