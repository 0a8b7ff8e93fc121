// Twilio's REST API, the three calls Leadline makes: send a message (POST …/Messages.json, form body),
// download an MMS medium, and page through the message history (reconciliation). HTTP Basic
// `AccountSid:AuthToken` on each; the medium URL redirects to storage, which is followed without the
// credentials (they are for api.twilio.com only).
import { z } from 'zod';
import { permanent } from '../effect-errors.ts';
import { httpRequest, type HttpTimeouts } from '../http-request.ts';
import { jsonResponse } from '../json-response.ts';
import { downloadMedium } from '../media/download-medium.ts';
import { twilioError } from './twilio-errors.ts';

const messageSchema = z.looseObject({
  sid: z.string(),
  status: z.string(),
  from: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  body: z.string().nullable().optional(),
  direction: z.string().optional(),
  num_media: z.string().optional(),
  date_sent: z.string().nullable().optional(),
  date_created: z.string().nullable().optional(),
  error_code: z.number().nullable().optional(),
});
export type TwilioMessage = z.infer<typeof messageSchema>;

const pageSchema = z.looseObject({
  messages: z.array(messageSchema),
  next_page_uri: z.string().nullable().optional(),
});

export interface TwilioSend {
  from: string;
  to: string;
  body?: string;
  mediaUrls?: readonly string[];
  /** Where Twilio posts the delivery statuses (our /webhooks/twilio/status). */
  statusCallback?: string;
}

export interface TwilioListQuery {
  to?: string;
  from?: string;
  /** Messages sent at or after this time (Twilio's `DateSent>`). */
  dateSentAfter?: Date;
  pageSize?: number;
}

export interface TwilioClientOptions {
  baseUrl: string;
  accountSid: string | undefined;
  authToken: string | undefined;
  timeouts: HttpTimeouts;
}

export interface TwilioClient {
  send(message: TwilioSend): Promise<{ sid: string; status: string }>;
  download(url: string, maxBytes: number): Promise<{ bytes: Buffer; mimeType: string | undefined }>;
  /** One page of the history; pass the previous page's `nextPageUri` to go on. */
  listPage(
    query: TwilioListQuery,
    nextPageUri?: string,
  ): Promise<{ messages: TwilioMessage[]; nextPageUri: string | null }>;
}

export function createTwilioClient(options: TwilioClientOptions): TwilioClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const credentials = () => {
    if (!options.accountSid || !options.authToken)
      throw permanent('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set', { reason: 'not_configured' });
    return {
      sid: options.accountSid,
      authorization: `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`,
    };
  };
  const messagesUrl = (sid: string) => `${base}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`;

  return {
    async send(message) {
      const { sid, authorization } = credentials();
      const form = new URLSearchParams({ To: message.to, From: message.from });
      if (message.body !== undefined) form.set('Body', message.body);
      for (const url of message.mediaUrls ?? []) form.append('MediaUrl', url);
      if (message.statusCallback !== undefined) form.set('StatusCallback', message.statusCallback);
      const res = await httpRequest({
        method: 'POST',
        url: messagesUrl(sid),
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeouts: options.timeouts,
      });
      if (res.status < 200 || res.status >= 300) throw twilioError(res.status, res.headers, res.body);
      const created = jsonResponse('Twilio', res, messageSchema);
      return { sid: created.sid, status: created.status };
    },

    download(url, maxBytes) {
      // Twilio answers a medium URL with a redirect to its storage; credentials only to Twilio.
      return downloadMedium({
        provider: 'Twilio',
        url,
        maxBytes,
        timeouts: options.timeouts,
        credentials: { authorization: credentials().authorization },
        error: twilioError,
      });
    },

    async listPage(query, nextPageUri) {
      const { sid, authorization } = credentials();
      let url: string;
      if (nextPageUri !== undefined) url = new URL(nextPageUri, `${base}/`).toString();
      else {
        const params = new URLSearchParams({ PageSize: String(query.pageSize ?? 1000) });
        if (query.to !== undefined) params.set('To', query.to);
        if (query.from !== undefined) params.set('From', query.from);
        // twilio-node sends the literal key `DateSent>` with a full ISO time; Twilio reads it by day.
        if (query.dateSentAfter !== undefined) params.set('DateSent>', query.dateSentAfter.toISOString());
        url = `${messagesUrl(sid)}?${params.toString()}`;
      }
      const res = await httpRequest({
        method: 'GET',
        url,
        headers: { authorization },
        timeouts: options.timeouts,
      });
      if (res.status !== 200) throw twilioError(res.status, res.headers, res.body);
      const page = jsonResponse('Twilio', res, pageSchema);
      return { messages: page.messages, nextPageUri: page.next_page_uri ?? null };
    },
  };
}
