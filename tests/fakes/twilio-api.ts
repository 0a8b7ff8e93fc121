// A local server speaking Twilio's Programmable Messaging REST API (2010-04-01), enough for Leadline:
// POST …/Messages.json (Basic auth, form body, 201 resource JSON or the error JSON
// {code,message,more_info,status}), GET …/Messages.json (history, newest first, filters To/From/DateSent>
// with a date or an ISO time, PageSize, next_page_uri with Page+PageToken), GET …/Messages/{Sid}.json,
// and MMS media behind Basic auth. History requests can be made to fail (429 + Retry-After, 5xx) and the
// history seeded in bulk. It keeps Twilio's opt-out registry: an inbound STOP-set keyword blocks
// sends to that number with 21610 until START/YES/UNSTOP. `inbound()` builds (and `deliverInbound()`
// posts) a signed inbound webhook the way Twilio sends it, and records the message in the history so a
// webhook that is never posted can still be found by reconciliation.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseForm } from '../../src/gateway/webhooks/form-body.ts';
import { signTwilioRequest } from '../../src/gateway/webhooks/twilio-signature.ts';
import { listen, playFailure, readBody, sendJson, type Failure, type FakeServer } from './fake-http.ts';

const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const START = new Set(['START', 'YES', 'UNSTOP']);

export interface TwilioFakeMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  direction: 'inbound' | 'outbound-api';
  status: string;
  numMedia: number;
  mediaUrls: string[];
  statusCallback: string | undefined;
  dateSent: Date;
  errorCode: number | null;
}

export interface TwilioSignedWebhook {
  url: string;
  params: Record<string, string>;
  body: string;
  headers: Record<string, string>;
}

export interface FakeTwilioApi extends FakeServer {
  accountSid: string;
  authToken: string;
  /** Outbound messages accepted (201), in order. */
  sent: TwilioFakeMessage[];
  /** Every message in the account's history, inbound and outbound. */
  history: TwilioFakeMessage[];
  /** Send attempts refused, with the error code. */
  refused: { to: string; code: number }[];
  failNext(...failures: Failure[]): void;
  /** Failures for the next history requests (GET …/Messages.json), e.g. 429 with Retry-After. */
  failListNext(...failures: Failure[]): void;
  /** History requests answered (failures included), in order. */
  listRequests: string[];
  /** Puts messages in the history without any webhook (bulk seeding for reconciliation). */
  seedHistory(
    messages: {
      from: string;
      to: string;
      body: string;
      direction?: 'inbound' | 'outbound-api';
      dateSent: Date;
      sid?: string;
    }[],
  ): TwilioFakeMessage[];
  optOut(number: string): void;
  isOptedOut(number: string): boolean;
  addMedia(id: string, bytes: Buffer, mimeType: string): string;
  /**
   * A signed inbound webhook for `url` (Leadline's PUBLIC_BASE_URL + /webhooks/twilio/sms), recorded in
   * the history (and the opt-out registry) as Twilio would. Pass `sid` to reuse one (a duplicate).
   */
  inbound(
    url: string,
    message: {
      from: string;
      to: string;
      body: string;
      sid?: string;
      media?: { url: string; type: string }[];
    },
    at?: Date,
  ): TwilioSignedWebhook;
  /** A signed status callback for one of the sent messages, to its StatusCallback URL. */
  /** `numbers: false`: without From and To, as a callback may come (only MessageSid identifies it). */
  statusCallback(
    sid: string,
    status: string,
    errorCode?: number,
    options?: { numbers?: boolean },
  ): TwilioSignedWebhook;
}

export const newSid = (prefix: 'SM' | 'MM' | 'ME') => `${prefix}${randomBytes(16).toString('hex')}`;

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function resource(accountSid: string, m: TwilioFakeMessage) {
  return {
    sid: m.sid,
    account_sid: accountSid,
    messaging_service_sid: null,
    from: m.from,
    to: m.to,
    body: m.body,
    status: m.status,
    direction: m.direction,
    num_media: String(m.numMedia),
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 160))),
    price: null,
    price_unit: 'USD',
    error_code: m.errorCode,
    error_message: null,
    date_created: rfc2822(m.dateSent),
    date_sent: rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateSent),
    api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`,
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
  };
}

function twilioErrorJson(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** `2026-12-01` (whole day, GMT) or a full ISO time. */
function parseDateFilter(value: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}

function signed(authToken: string, url: string, params: Record<string, string>): TwilioSignedWebhook {
  return {
    url,
    params,
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(authToken, url, params),
    },
  };
}

export async function startFakeTwilioApi(
  authToken = 'test-twilio-auth-token',
  accountSid = `AC${'1'.repeat(32)}`,
): Promise<FakeTwilioApi> {
  const sent: TwilioFakeMessage[] = [];
  const history: TwilioFakeMessage[] = [];
  const refused: { to: string; code: number }[] = [];
  const failures: Failure[] = [];
  const listFailures: Failure[] = [];
  const listRequests: string[] = [];
  const optedOut = new Set<string>();
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const prefix = `/2010-04-01/Accounts/${accountSid}`;
  let baseUrl = '';

  const authorised = (req: IncomingMessage) => req.headers.authorization === basic;

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/media/') && req.method === 'GET') {
      if (!authorised(req)) return sendJson(res, 401, twilioErrorJson(20003, 'Authenticate', 401));
      const item = media.get(url.pathname.slice('/media/'.length));
      if (!item)
        return sendJson(res, 404, twilioErrorJson(20404, 'The requested resource was not found', 404));
      res.writeHead(200, { 'content-type': item.mimeType });
      return void res.end(item.bytes);
    }
    if (!url.pathname.startsWith(`${prefix}/`))
      return sendJson(res, 404, twilioErrorJson(20404, 'The requested resource was not found', 404));
    if (!authorised(req)) return sendJson(res, 401, twilioErrorJson(20003, 'Authenticate', 401));
    const path = url.pathname.slice(prefix.length);

    if (req.method === 'POST' && path === '/Messages.json') {
      const failure = failures.shift();
      if (failure) return playFailure(res, failure);
      const form = parseForm(raw);
      const one = (name: string) => {
        const v = form[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const to = one('To');
      const from = one('From');
      const body = one('Body') ?? '';
      const mediaUrls = [form.MediaUrl ?? []].flat();
      if (!to) return sendJson(res, 400, twilioErrorJson(21604, "A 'To' phone number is required.", 400));
      if (!/^\+[1-9]\d{6,14}$/.test(to))
        return sendJson(
          res,
          400,
          twilioErrorJson(21211, `The 'To' number ${to} is not a valid phone number.`, 400),
        );
      if (!from && !one('MessagingServiceSid'))
        return sendJson(res, 400, twilioErrorJson(21603, "A 'From' phone number is required.", 400));
      if (body === '' && mediaUrls.length === 0)
        return sendJson(res, 400, twilioErrorJson(21602, 'Message body is required.', 400));
      if (optedOut.has(to)) {
        refused.push({ to, code: 21610 });
        return sendJson(res, 400, twilioErrorJson(21610, 'Attempt to send to unsubscribed recipient', 400));
      }
      const message: TwilioFakeMessage = {
        sid: mediaUrls.length > 0 ? newSid('MM') : newSid('SM'),
        from: from ?? '',
        to,
        body,
        direction: 'outbound-api',
        status: 'queued',
        numMedia: mediaUrls.length,
        mediaUrls,
        statusCallback: one('StatusCallback'),
        dateSent: new Date(),
        errorCode: null,
      };
      sent.push(message);
      history.push(message);
      return sendJson(res, 201, resource(accountSid, message));
    }

    if (req.method === 'GET' && path === '/Messages.json') {
      listRequests.push(url.search);
      const listFailure = listFailures.shift();
      if (listFailure) return playFailure(res, listFailure);
      const q = url.searchParams;
      const after = q.get('DateSent>') ?? q.get('DateSent>=');
      const before = q.get('DateSent<') ?? q.get('DateSent<=');
      const matching = history
        .filter((m) => !q.get('To') || m.to === q.get('To'))
        .filter((m) => !q.get('From') || m.from === q.get('From'))
        .filter((m) => after === null || m.dateSent.getTime() >= parseDateFilter(after))
        .filter((m) => before === null || m.dateSent.getTime() <= parseDateFilter(before))
        .sort((a, b) => b.dateSent.getTime() - a.dateSent.getTime());
      const pageSize = Math.min(1000, Math.max(1, Number(q.get('PageSize') ?? 50) || 50));
      const page = Math.max(0, Number(q.get('Page') ?? 0) || 0);
      const start = page * pageSize;
      const slice = matching.slice(start, start + pageSize);
      const next = new URLSearchParams(q);
      next.set('Page', String(page + 1));
      next.set('PageToken', `PA${slice.at(-1)?.sid ?? 'end'}`);
      const self = `${prefix}/Messages.json?${q.toString()}`;
      return sendJson(res, 200, {
        first_page_uri: `${prefix}/Messages.json?PageSize=${pageSize}&Page=0`,
        next_page_uri:
          start + pageSize < matching.length ? `${prefix}/Messages.json?${next.toString()}` : null,
        previous_page_uri: null,
        page,
        page_size: pageSize,
        start,
        end: start + slice.length - 1,
        uri: self,
        messages: slice.map((m) => resource(accountSid, m)),
      });
    }

    const one = /^\/Messages\/([A-Z]{2}[0-9a-f]{32})\.json$/.exec(path);
    if (req.method === 'GET' && one) {
      const m = history.find((x) => x.sid === one[1]);
      return m
        ? sendJson(res, 200, resource(accountSid, m))
        : sendJson(res, 404, twilioErrorJson(20404, 'The requested resource was not found', 404));
    }
    return sendJson(res, 404, twilioErrorJson(20404, 'The requested resource was not found', 404));
  });
  baseUrl = server.url;

  return {
    url: server.url,
    close: () => server.close(),
    accountSid,
    authToken,
    sent,
    history,
    refused,
    failNext: (...f) => failures.push(...f),
    failListNext: (...f) => listFailures.push(...f),
    listRequests,
    seedHistory(messages) {
      const seeded = messages.map((m): TwilioFakeMessage => ({
        sid: m.sid ?? newSid('SM'),
        from: m.from,
        to: m.to,
        body: m.body,
        direction: m.direction ?? 'inbound',
        status: m.direction === 'outbound-api' ? 'delivered' : 'received',
        numMedia: 0,
        mediaUrls: [],
        statusCallback: undefined,
        dateSent: m.dateSent,
        errorCode: null,
      }));
      history.push(...seeded);
      return seeded;
    },
    optOut: (number) => optedOut.add(number),
    isOptedOut: (number) => optedOut.has(number),
    addMedia(id, bytes, mimeType) {
      media.set(id, { bytes, mimeType });
      return `${baseUrl}/media/${id}`;
    },
    inbound(url, message, at = new Date()) {
      const sid = message.sid ?? (message.media?.length ? newSid('MM') : newSid('SM'));
      const keyword = message.body.trim().toUpperCase();
      if (STOP.has(keyword)) optedOut.add(message.from);
      if (START.has(keyword)) optedOut.delete(message.from);
      if (!history.some((m) => m.sid === sid))
        history.push({
          sid,
          from: message.from,
          to: message.to,
          body: message.body,
          direction: 'inbound',
          status: 'received',
          numMedia: message.media?.length ?? 0,
          mediaUrls: (message.media ?? []).map((m) => m.url),
          statusCallback: undefined,
          dateSent: at,
          errorCode: null,
        });
      const params: Record<string, string> = {
        ToCountry: 'US',
        SmsMessageSid: sid,
        NumMedia: String(message.media?.length ?? 0),
        SmsSid: sid,
        SmsStatus: 'received',
        Body: message.body,
        To: message.to,
        NumSegments: '1',
        MessageSid: sid,
        AccountSid: accountSid,
        From: message.from,
        ApiVersion: '2010-04-01',
        // Twilio adds parameters without notice; the signature must cover them too.
        FakeUnknownParam: 'surprise',
      };
      for (const [n, m] of (message.media ?? []).entries()) {
        params[`MediaUrl${n}`] = m.url;
        params[`MediaContentType${n}`] = m.type;
      }
      if (STOP.has(keyword) || START.has(keyword) || keyword === 'HELP' || keyword === 'INFO')
        params.OptOutType = STOP.has(keyword) ? 'STOP' : START.has(keyword) ? 'START' : 'HELP';
      return signed(authToken, url, params);
    },
    statusCallback(sid, status, errorCode, options = {}) {
      const m = sent.find((x) => x.sid === sid);
      if (!m?.statusCallback) throw new Error(`no sent message ${sid} with a StatusCallback`);
      m.status = status;
      m.errorCode = errorCode ?? null;
      return signed(authToken, m.statusCallback, {
        MessageSid: sid,
        SmsSid: sid,
        MessageStatus: status,
        SmsStatus: status,
        AccountSid: accountSid,
        ...(options.numbers === false ? {} : { From: m.from, To: m.to }),
        ApiVersion: '2010-04-01',
        ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
      });
    },
  };
}
