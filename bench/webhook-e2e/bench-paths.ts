// The ways a lead's line reaches the system under test, each over keep-alive HTTP (undici Pool):
//   whatsapp  a signed WhatsApp webhook; the line is done once its replies reached the fake Graph API
//   twilio    a signed Twilio SMS webhook (form, X-Twilio-Signature); done once its replies reached the
//             fake Twilio REST API
//   api       POST /api/messages with the studio's key; done when the answer arrives with the replies
//             (200), or past the system's reply timeout (202, counted apart)
// A line is timed from just before it is posted to its first reply at the fake, or to the API's 200.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { twilioTextWebhook, whatsappTextWebhook } from '../../src/cli/demo-conversation.ts';
import type { BenchProviders } from './fake-providers.ts';
import type { BenchStudio } from './studios.ts';
import { APP_SECRET, PUBLIC_BASE_URL, TWILIO_ACCOUNT } from './system-under-test.ts';

export const benchPathNames = ['whatsapp', 'api', 'twilio'] as const;
export type BenchPathName = (typeof benchPathNames)[number];

export interface LoadLead {
  studio: BenchStudio;
  phone: string;
  digits: string;
}

/** What one phase saw; the paths add to it as answers and replies arrive. */
export interface PhaseStats {
  /** Post → first reply (at the fake, or in the API's 200), ms. */
  latencies: number[];
  replies: number;
  lastReplyAt: number;
  /** API answers past the reply timeout (202: accepted, replies not in the answer). */
  answered202: number;
}

export const newPhaseStats = (): PhaseStats => ({
  latencies: [],
  replies: 0,
  lastReplyAt: 0,
  answered202: 0,
});

export interface SentLine {
  /** The system's HTTP answer arrived (the webhook accepted; for the API, the whole line). */
  answered: Promise<void>;
  /** Every expected reply reached the lead. */
  done: Promise<void>;
}

export interface BenchPath {
  readonly name: BenchPathName;
  /** Posts `text` from `lead`, expecting `replies` replies to it; what arrives is counted in `stats`. */
  send(lead: LoadLead, text: string, replies: number, stats: PhaseStats): SentLine;
  close(): Promise<void>;
}

interface HttpAnswer {
  status: number;
  body: string;
}

class HttpPoster {
  readonly #pool: Pool;

  constructor(url: string, connections: number) {
    this.#pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** Posts and reads the whole answer; anything but `ok` statuses is an error. */
  async post(
    path: string,
    headers: Record<string, string>,
    body: string,
    ok: readonly number[] = [200],
  ): Promise<HttpAnswer> {
    const response = await this.#pool.request({ path, method: 'POST', headers, body });
    const text = await response.body.text();
    if (!ok.includes(response.statusCode))
      throw new Error(`bench: ${path} answered ${response.statusCode}: ${text}`);
    return { status: response.statusCode, body: text };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

interface Pending {
  postedAt: number;
  expected: number;
  got: number;
  stats: PhaseStats;
  done: () => void;
}

/** Routes each send at the fake providers to the lead line waiting for it; a lead has one line outstanding. */
class ReplyTracker {
  readonly #pending = new Map<string, Pending>();

  constructor(providers: BenchProviders) {
    providers.onSend((digits, at) => {
      const waiting = this.#pending.get(digits);
      if (!waiting) return;
      const { stats } = waiting;
      stats.replies++;
      stats.lastReplyAt = at;
      if (waiting.got === 0) stats.latencies.push(at - waiting.postedAt);
      if (++waiting.got >= waiting.expected) {
        this.#pending.delete(digits);
        waiting.done();
      }
    });
  }

  /** Registers a line about to be posted; resolves once `expected` sends reached the lead. */
  expect(digits: string, expected: number, stats: PhaseStats): Promise<void> {
    return new Promise<void>((done) => {
      if (expected === 0) return done();
      this.#pending.set(digits, { postedAt: performance.now(), expected, got: 0, stats, done });
    });
  }
}

interface SignedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A path whose replies leave through the system's relay to a provider fake. */
function providerPath(
  name: BenchPathName,
  poster: HttpPoster,
  providers: BenchProviders,
  request: (lead: LoadLead, text: string) => SignedRequest,
): BenchPath {
  const tracker = new ReplyTracker(providers);
  return {
    name,
    send(lead, text, replies, stats) {
      const done = tracker.expect(lead.digits, replies, stats);
      const { path, headers, body } = request(lead, text);
      return { answered: poster.post(path, headers, body).then(() => undefined), done };
    },
    close: () => poster.close(),
  };
}

function whatsappRequest(lead: LoadLead, text: string): SignedRequest {
  const hook = whatsappTextWebhook({
    phoneNumberId: lead.studio.phoneNumberId,
    phone: lead.phone,
    name: 'Bench Lead',
    text,
    appSecret: APP_SECRET,
    at: new Date(),
  });
  return {
    path: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': hook.signature },
    body: hook.body,
  };
}

function twilioRequest(lead: LoadLead, text: string): SignedRequest {
  const hook = twilioTextWebhook({
    publicBaseUrl: PUBLIC_BASE_URL,
    accountSid: TWILIO_ACCOUNT.sid,
    authToken: TWILIO_ACCOUNT.authToken,
    from: lead.phone,
    to: lead.studio.smsNumber,
    text,
  });
  return {
    path: hook.path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': hook.signature },
    body: hook.body,
  };
}

function apiPath(poster: HttpPoster): BenchPath {
  let requests = 0;
  return {
    name: 'api',
    send(lead, text, _replies, stats) {
      const body = JSON.stringify({
        studioId: lead.studio.id,
        requestId: `bench-${++requests}`,
        text,
        user: { phone: lead.phone },
      });
      const headers = { 'content-type': 'application/json', 'x-api-key': lead.studio.apiKey };
      const postedAt = performance.now();
      const answered = poster.post('/api/messages', headers, body, [200, 202]).then((answer) => {
        if (answer.status === 202) {
          stats.answered202++;
          return;
        }
        const { data } = JSON.parse(answer.body) as { data?: { replies?: unknown[] } };
        const at = performance.now();
        stats.replies += data?.replies?.length ?? 0;
        stats.lastReplyAt = at;
        stats.latencies.push(at - postedAt);
      });
      return { answered, done: answered };
    },
    close: () => poster.close(),
  };
}

export function benchPath(
  name: BenchPathName,
  url: string,
  connections: number,
  providers: BenchProviders,
): BenchPath {
  const poster = new HttpPoster(url, connections);
  if (name === 'api') return apiPath(poster);
  return providerPath(name, poster, providers, name === 'whatsapp' ? whatsappRequest : twilioRequest);
}
