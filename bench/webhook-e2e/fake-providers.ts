// The bench's provider APIs on one port: Meta's Graph API (POST /{phone-number-id}/messages, JSON) and
// Twilio's REST API (POST /2010-04-01/Accounts/{sid}/Messages.json, form). Every send is answered at once
// (a wamid, or 201 with a message sid; no recording of bodies, no failures, no credentials checked) and the
// driver is told which number it went to, so a reply is timed the moment it is delivered.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface BenchProviders {
  /** WHATSAPP_API_BASE_URL and TWILIO_API_BASE_URL alike. */
  url: string;
  /** WHATSAPP_ACCESS_TOKEN. */
  token: string;
  /** Called for every send with the recipient's digits and the arrival time (performance.now()). */
  onSend(listener: (toDigits: string, at: number) => void): void;
  sends(): number;
  close(): Promise<void>;
}

const TWILIO_SEND = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

interface Answer {
  to: string;
  status: number;
  body: unknown;
}

function graphAnswer(raw: string, count: number): Answer {
  let to = '';
  try {
    const { to: recipient } = JSON.parse(raw) as { to?: unknown };
    if (typeof recipient === 'string') to = recipient;
  } catch {
    // not a send (the bench sends nothing else): answered all the same
  }
  return {
    to,
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: to, wa_id: to }],
      messages: [{ id: `wamid.bench${count}` }],
    },
  };
}

function twilioAnswer(accountSid: string, raw: string, count: number): Answer {
  const form = new URLSearchParams(raw);
  const to = form.get('To') ?? '';
  const sid = `SM${count.toString(16).padStart(32, '0')}`;
  return {
    to,
    status: 201,
    body: {
      sid,
      account_sid: accountSid,
      status: 'queued',
      from: form.get('From'),
      to,
      body: form.get('Body'),
    },
  };
}

export async function startBenchProviders(token = 'bench-access-token'): Promise<BenchProviders> {
  let listener: (toDigits: string, at: number) => void = () => undefined;
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      const raw = Buffer.concat(chunks).toString('utf8');
      count++;
      const twilio = TWILIO_SEND.exec(req.url ?? '');
      const answer = twilio ? twilioAnswer(twilio[1] ?? '', raw, count) : graphAnswer(raw, count);
      const body = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      listener(answer.to.replace(/^\+/, ''), at);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    onSend: (l) => {
      listener = l;
    },
    sends: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
