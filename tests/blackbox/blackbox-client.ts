// The outside world of the black-box contract test: the real `leadline start` as a child process, and an
// HTTP client that talks to it the way Meta, Stripe, an artist's phone and an admin do. Nothing here
// imports application code; only the fake provider servers and the test database helper are shared.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import type { LeadView } from '../../src/persistence/queries/leads.ts';
import type { RecordedSend } from '../fakes/graph-api.ts';
import { webhook } from '../gateway/whatsapp-fixtures.ts';
import { freePort } from '../helpers/servers.ts';

export const secrets = {
  admin: 'bb-admin-key',
  appSecret: 'bb-app-secret',
  verifyToken: 'bb-verify-token',
  accessToken: 'bb-access-token',
  stripeKey: 'sk_test_blackbox',
  stripeWebhook: 'whsec_blackbox',
  actionLinks: 'bb-action-link-secret',
  twilioAuthToken: 'bb-twilio-auth-token',
  openphoneApiKey: 'bb-openphone-api-key',
  // base64 of "bb-openphone-signing-key" (OpenPhone shows its signing key base64-encoded).
  openphoneWebhookSecret: Buffer.from('bb-openphone-signing-key').toString('base64'),
};

/** Not a secret (it is in every Twilio URL), but the account the fake Twilio API expects. */
export const TWILIO_ACCOUNT_SID = `AC${'b'.repeat(32)}`;

/** The repository's example configuration (the demo studio's values, written as a user would). */
export const EXAMPLE_CONFIG = path.resolve(import.meta.dirname, '../../leadline.config.example.yaml');

export const DEMO_ARTIST_DIGITS = '447700900001';

/** The answers (as the Lead shows them) of the koi conversation the suites have: "10x15cm", "£300". */
export const koiAnswers = {
  idea: 'A koi fish swimming up my arm',
  placement: 'left forearm',
  dimensions: { widthCm: 10, heightCm: 15 },
  style: 'realism',
  budget: { amountMinor: 30000, currency: 'GBP' },
};

// Variables of the test runner's environment that would point the child somewhere else.
const INHERITED_BUT_NOT_OURS = ['DATABASE_URL', 'NATS_URL', 'LEADLINE_CONFIG', 'NODE_OPTIONS', 'VITEST'];

export interface RunningGateway {
  base: string;
  output(): string;
  /** SIGTERM (graceful), then the exit code once it has exited. */
  stop(): Promise<number | null>;
  /** Sends a signal (e.g. SIGSTOP / SIGCONT to freeze and resume it) and returns at once. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL (a crash); resolves once the process is gone. */
  kill(): Promise<void>;
}

export async function startLeadline(options: {
  port: number;
  databaseUrl: string;
  graphUrl: string;
  stripeUrl: string;
  /** Run on NATS JetStream (distributed mode) instead of the in-process bus. */
  natsUrl?: string;
  /** `leadline start --role …` (default all). */
  role?: 'all' | 'gateway' | 'worker';
  /** More environment (LEADLINE_WORKER_ID, LEADLINE_CONFIG, …); wins over the defaults above. */
  env?: Record<string, string>;
}): Promise<RunningGateway> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'leadline-blackbox-'));
  const base = `http://127.0.0.1:${options.port}`;
  const inherited = Object.entries(process.env).filter(
    ([name]) => !INHERITED_BUT_NOT_OURS.includes(name) && !name.startsWith('VITEST_'),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [path.resolve(import.meta.dirname, '../../bin/leadline.js'), 'start', '--role', options.role ?? 'all'],
    {
      cwd: home,
      env: {
        ...Object.fromEntries(inherited),
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(options.port),
        LEADLINE_HOME: home,
        LEADLINE_PROBE_INTERVAL: '0',
        DATABASE_URL: options.databaseUrl,
        ADMIN_API_KEY: secrets.admin,
        WHATSAPP_APP_SECRET: secrets.appSecret,
        WHATSAPP_VERIFY_TOKEN: secrets.verifyToken,
        WHATSAPP_ACCESS_TOKEN: secrets.accessToken,
        WHATSAPP_API_BASE_URL: options.graphUrl,
        STRIPE_SECRET_KEY: secrets.stripeKey,
        STRIPE_WEBHOOK_SECRET: secrets.stripeWebhook,
        STRIPE_API_BASE_URL: options.stripeUrl,
        ACTION_LINK_SECRET: secrets.actionLinks,
        PUBLIC_BASE_URL: base,
        TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: secrets.twilioAuthToken,
        OPENPHONE_API_KEY: secrets.openphoneApiKey,
        OPENPHONE_WEBHOOK_SECRET: secrets.openphoneWebhookSecret,
        // Production refuses the built-in demo studio; the example file holds the same studio.
        LEADLINE_CONFIG: EXAMPLE_CONFIG,
        ...(options.natsUrl === undefined ? {} : { NATS_URL: options.natsUrl }),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await exited;
    await rm(home, { recursive: true, force: true });
    return code;
  };
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  const kill = async () => {
    signal('SIGKILL');
    await exited;
  };
  try {
    await eventually(
      'GET /readyz to answer 200',
      async () => {
        if (child.exitCode !== null) throw new Error(`leadline start exited early:\n${output}`);
        const response = await fetch(`${base}/readyz`).catch(() => undefined);
        return response?.status === 200;
      },
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, output: () => output, stop, signal, kill };
}

export interface Topology {
  /** Where HTTP goes: the one process, or the gateway. */
  gateway: RunningGateway;
  worker: RunningGateway | undefined;
  /** Stops every process; their exit codes (one, or gateway then worker). */
  stop(): Promise<(number | null)[]>;
}

/**
 * `leadline start` as one process (`single`, role all) or as a gateway and a worker on `natsUrl`
 * (`distributed`), each with its own free port and LEADLINE_WORKER_ID.
 */
export async function startTopology(
  mode: 'single' | 'distributed',
  options: Omit<Parameters<typeof startLeadline>[0], 'port' | 'role'>,
): Promise<Topology> {
  const start = async (role: 'all' | 'gateway' | 'worker') =>
    startLeadline({
      ...options,
      port: await freePort(),
      role,
      env: { LEADLINE_WORKER_ID: role, ...options.env },
    });
  if (mode === 'single') {
    const gateway = await start('all');
    return { gateway, worker: undefined, stop: async () => [await gateway.stop()] };
  }
  const [gateway, worker] = await Promise.all([start('gateway'), start('worker')]);
  return { gateway, worker, stop: () => Promise.all([gateway.stop(), worker.stop()]) };
}

/**
 * Polls `probe` until it returns something truthy; fails with `what` after the deadline. The pause grows
 * from 25 ms to 250 ms: most probes call the admin API, whose rate limit (300 a minute per client) a
 * suite polling every 25 ms on a loaded machine would exhaust, failing every later request with 429.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let pauseMs = 25; ; pauseMs = Math.min(250, pauseMs * 2)) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** The Lead of docs/contract.md §3 (a type only: nothing of the application runs in this process). */
export type Lead = LeadView;

export interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (handshake challenge, HTML pages, Prometheus text)
  }
  return { status: response.status, headers: response.headers, json, text };
}

let messageCounter = 0;

export function newWamid(): string {
  return `wamid.HBgM${randomBytes(8).toString('hex').toUpperCase()}${++messageCounter}`;
}

export function textMessage(body: string, id = newWamid()): Record<string, unknown> {
  return { id, type: 'text', text: { body } };
}

/** A webhook exactly as Meta's Cloud API sends it for inbound messages from one person. */
export function whatsappWebhook(
  fromDigits: string,
  messages: Record<string, unknown>[],
  name = 'Ada Lovelace',
) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return webhook({
    contacts: [{ profile: { name }, wa_id: fromDigits }],
    messages: messages.map((message) => ({ from: fromDigits, timestamp, ...message })),
  });
}

/** The fake Graph API's sends to one WhatsApp number (digits, as Graph sees them), in order. */
export function sendsTo(graph: { sends: readonly RecordedSend[] }, digits: string): RecordedSend[] {
  return graph.sends.filter((send) => String(send.body.to).replace(/^\+/, '') === digits);
}

/** What the person reads in one send: a text's body or an interactive message's body text. */
export function sendText(send: { body: Record<string, unknown> }): string {
  const { text, interactive } = send.body as {
    text?: { body: string };
    interactive?: { body: { text: string } };
  };
  return text?.body ?? interactive?.body.text ?? JSON.stringify(send.body);
}

export function hubSignature(raw: string, secret = secrets.appSecret): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

const stripe = new Stripe(secrets.stripeKey);

/** A Stripe event envelope around `object`, as Stripe's webhooks deliver it. */
export function stripeEvent(type: string, object: Record<string, unknown>) {
  return {
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

export function client(base: string) {
  const adminHeaders = (auth: 'key' | 'bearer' | 'none', extra: Record<string, string>) => ({
    ...(auth === 'key' ? { 'x-api-key': secrets.admin } : {}),
    ...(auth === 'bearer' ? { authorization: `Bearer ${secrets.admin}` } : {}),
    ...extra,
  });
  const api = {
    get: async (url: string, headers: Record<string, string> = {}, method = 'GET') =>
      reply(await fetch(`${base}${url}`, { method, headers })),
    admin: async (
      url: string,
      init: { auth?: 'key' | 'bearer' | 'none'; body?: unknown; headers?: Record<string, string> } = {},
    ) =>
      reply(
        await fetch(`${base}${url}`, {
          method: init.body === undefined ? 'GET' : 'POST',
          headers: adminHeaders(init.auth ?? 'key', {
            ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...init.headers,
          }),
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        }),
      ),
    postWhatsapp: async (
      payload: unknown,
      options: { signature?: string | null; headers?: Record<string, string> } = {},
    ) => {
      const raw = JSON.stringify(payload);
      const signature = options.signature === undefined ? hubSignature(raw) : options.signature;
      return reply(
        await fetch(`${base}/webhooks/whatsapp`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
            ...options.headers,
          },
          body: raw,
        }),
      );
    },
    postStripe: async (event: unknown, signature?: string) => {
      const raw = JSON.stringify(event);
      const header =
        signature ??
        stripe.webhooks.generateTestHeaderString({ payload: raw, secret: secrets.stripeWebhook });
      return reply(
        await fetch(`${base}/webhooks/stripe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': header },
          body: raw,
        }),
      );
    },
    leadByPhone: async (phone: string): Promise<Lead | undefined> => {
      const found = await api.admin(`/admin/leads?phone=${encodeURIComponent(phone)}`);
      return (found.json as { leads: Lead[] }).leads[0];
    },
  };
  return api;
}
