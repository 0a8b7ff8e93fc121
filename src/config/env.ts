// Environment configuration, parsed once at boot. A bad value stops the process with one line naming the
// variable (every variable is checked here, so nothing dies later with a stack trace); the parsed result is
// frozen so nothing mutates it later. Value types (durations, whole numbers, URLs) come from values.ts.
import path from 'node:path';
import { z } from 'zod';
import {
  booleanString,
  durationListSchema,
  durationSchema,
  httpUrlSchema,
  integerString,
  urlWithScheme,
} from './values.ts';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const port = integerString(0, 65535);

/** A duration string ("90s", "5m", "90d", or "0") as milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .pipe(durationSchema({ allowZero: true }));

/** An address (studio@inkwell.example), or a display name and one ("Inkwell <studio@inkwell.example>"). */
const EMAIL_FROM = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

/** One NATS server: nats://host:port (tls://, ws://, wss:// too) or a bare host:port. */
const NATS_SERVER = /^((nats|tls|ws|wss):\/\/\S+|[A-Za-z0-9.[\]:_-]+:\d{1,5})$/;

/**
 * Fastify's trustProxy: "false" (default: the peer address is the client), "true" (trust every proxy), a
 * number of hops, or comma-separated proxy addresses / CIDRs ("10.0.0.0/8,127.0.0.1").
 */
const trustProxy = z
  .string()
  .trim()
  .default('false')
  .transform((v, ctx): boolean | number | string[] => {
    if (/^\d+$/.test(v)) return Number(v);
    const flag = booleanString.safeParse(v);
    if (flag.success) return flag.data;
    const list = v.split(',').map((part) => part.trim());
    if (list.every((part) => /^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(part))) return list;
    ctx.addIssue({
      code: 'custom',
      message: 'expected true, false, a number of proxy hops, or comma-separated proxy addresses/CIDRs',
    });
    return z.NEVER;
  });

export const envSchema = z.object({
  /** `production` turns the sandbox off (docs/contract.md §11) and the development defaults with it. */
  NODE_ENV: optionalString,
  PORT: z.string().default('3000').pipe(port),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: optionalString.pipe(urlWithScheme(['postgres', 'postgresql']).optional()),
  NATS_URL: optionalString.refine(
    (v) => v === undefined || v.split(',').every((server) => NATS_SERVER.test(server.trim())),
    'expected comma-separated NATS servers such as nats://127.0.0.1:4222',
  ),
  LEADLINE_PARTITIONS: z.string().default('16').pipe(integerString(1, 1024)),
  LEADLINE_CONFIG: optionalString,
  ADMIN_API_KEY: optionalString,
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_API_BASE_URL: z.string().default('https://graph.facebook.com/v21.0').pipe(httpUrlSchema),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE_URL: optionalString.pipe(httpUrlSchema.optional()),
  /** Twilio account (AC + 32 hex) and auth token: REST Basic auth and the X-Twilio-Signature key. */
  TWILIO_ACCOUNT_SID: optionalString.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex digits')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_API_BASE_URL: z.url().default('https://api.twilio.com'),
  OPENPHONE_API_KEY: optionalString,
  /** The base64 signing key OpenPhone shows (legacy openphone-signature), or a whsec_… Standard Webhooks key. */
  OPENPHONE_WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/, 'expected a base64 key (optionally whsec_…)')
      .optional(),
  ),
  OPENPHONE_API_BASE_URL: z.url().default('https://api.openphone.com'),
  /** Bearer key of every studio's orchestrator endpoint (absent: no Authorization header, e.g. a local LLM). */
  ORCHESTRATOR_API_KEY: optionalString,
  /** When the daily reconciliation of every SMS number against its provider's history starts (UTC). */
  LEADLINE_RECONCILE_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM in UTC, e.g. "02:00"')
    .default('02:00'),
  /**
   * The SMTP server artist emails go through (notify: email): smtp://user:pass@host:587 (STARTTLS when the
   * server offers it) or smtps://…:465. Unset outside production: emails are shown in the sandbox.
   */
  SMTP_URL: optionalString.pipe(urlWithScheme(['smtp', 'smtps']).optional()),
  /** The sender of artist emails: an address, or a name and address ("Inkwell <studio@inkwell.example>"). */
  EMAIL_FROM: optionalString.pipe(
    z.string().regex(EMAIL_FROM, 'expected an email address, or "Name <address@example.com>"').optional(),
  ),
  ACTION_LINK_SECRET: optionalString,
  PUBLIC_BASE_URL: optionalString.pipe(httpUrlSchema.optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LEADLINE_INSPECT: optionalString.pipe(
    z
      .string()
      .regex(/^ws(:\d{1,5})?$/, 'expected "ws" or "ws:PORT"')
      .optional(),
  ),
  /**
   * Where embedded PostgreSQL, development secrets and filesystem media live, made absolute. The CLI
   * resolves an unset one first (src/config/home.ts: the nearest `.leadline` up from the working directory).
   */
  LEADLINE_HOME: z
    .string()
    .min(1)
    .default('./.leadline')
    .transform((v) => path.resolve(v)),
  /** Comma-separated retry delays for a failing message, e.g. "1m,2m,4m,8m,16m" (kept as text). */
  LEADLINE_RETRY_DELAYS: z
    .string()
    .default('1m,2m,4m,8m,16m')
    .refine((v) => durationListSchema.safeParse(v).success, {
      message: 'expected comma-separated durations such as "1m,2m,4m"',
    }),
  LEADLINE_ALERT_WEBHOOK_URL: optionalString.pipe(httpUrlSchema.optional()),
  LEADLINE_WORKER_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected 1-100 letters, digits, - or _')
      .optional(),
  ),
  /** Behind a load balancer: which proxies' X-Forwarded-For to believe (rate limits, logs). */
  LEADLINE_TRUST_PROXY: trustProxy,
  /**
   * NATS partition leases and outbox effect leases: a killed worker's partitions and the effects its relay
   * had claimed move to the others after this; live holders renew every quarter of it. Shorter moves
   * faster but tolerates shorter stalls (GC, CPU).
   */
  LEADLINE_LEASE_TIMEOUT: duration('15s').refine((ms) => ms >= 1_000, {
    message: 'expected a lease of at least "1s"',
  }),
  /** Replicas of the NATS inbox stream and lease bucket when this process creates them (3 in a 3-node cluster). */
  LEADLINE_STREAM_REPLICAS: z.string().default('1').pipe(integerString(1, 5)),
  /**
   * PostgreSQL connections this process may hold (its pool). The actor host's commits, the relay's sends
   * (LEADLINE_RELAY_CONCURRENCY at once, each a few statements) and the admin API share it; every process
   * of the cluster holds its own, so keep processes × this below the server's max_connections (100).
   */
  LEADLINE_DATABASE_POOL: z.string().default('20').pipe(integerString(2, 500)),
  /** Outbox effects one relay claims and runs at once (provider calls in flight per process). */
  LEADLINE_RELAY_CONCURRENCY: z.string().default('64').pipe(integerString(1, 1000)),
  /** How long start (and `leadline migrate`) waits for the database to answer before giving up. */
  LEADLINE_DATABASE_WAIT: duration('60s'),
  /**
   * How long POST /{api,app,web}/messages waits for the lead's actor to commit its replies before answering
   * 202 (the replies then arrive on the session's stream).
   */
  LEADLINE_REPLY_TIMEOUT: duration('35s'),
  /** Synthetic health probe period (src/jobs/probe.ts); "0" disables it. */
  LEADLINE_PROBE_INTERVAL: duration('5m'),
  /** System events older than this are deleted by the retention job. */
  LEADLINE_SYSTEM_EVENT_RETENTION: duration('90d'),
  /** After an alert fires, the same alert stays quiet this long. */
  LEADLINE_ALERT_COOLDOWN: duration('30m'),
  /** Set: attachments go to this S3 bucket instead of <LEADLINE_HOME>/media (src/effects/media). */
  LEADLINE_S3_BUCKET: optionalString,
  /** S3-compatible endpoint (MinIO, R2, s3rver…); unset means AWS. Credentials: the AWS_* variables. */
  LEADLINE_S3_ENDPOINT: optionalString.pipe(httpUrlSchema.optional()),
  LEADLINE_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Key prefix inside the bucket, e.g. "leadline/". */
  LEADLINE_S3_PREFIX: z.string().default(''),
});

export type Env = Readonly<z.infer<typeof envSchema>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError whose message is one line naming the variable. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    // Every bad variable, on one line: fixing them one start at a time is tedious.
    const named = result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || 'environment'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid ${[...new Set(named)].join('; ')}`);
  }
  return Object.freeze(result.data);
}
