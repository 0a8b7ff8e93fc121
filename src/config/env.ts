// Environment configuration, parsed once at boot (CONTRACT §2). A bad value stops the process with one
// line naming the variable; the parsed result is frozen so nothing mutates it later.
import { z } from 'zod';
import { parseDuration } from '../domain/durations.ts';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const port = z.coerce.number().int().min(0).max(65535);

/** A duration string ("90s", "5m", "90d", or "0") as milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => v.trim() === '0' || parseDuration(v) !== undefined, {
      message: 'expected a duration such as "90s", "5m" or "90d"',
    })
    .transform((v) => (v.trim() === '0' ? 0 : (parseDuration(v) ?? 0)));

export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  NATS_URL: optionalString,
  LEADLINE_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(16),
  LEADLINE_CONFIG: optionalString,
  ADMIN_API_KEY: optionalString,
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_API_BASE_URL: z.url().default('https://graph.facebook.com/v21.0'),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE_URL: optionalString.pipe(z.url().optional()),
  ACTION_LINK_SECRET: optionalString,
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LEADLINE_INSPECT: optionalString.pipe(
    z
      .string()
      .regex(/^ws(:\d{1,5})?$/, 'expected "ws" or "ws:PORT"')
      .optional(),
  ),
  /** Where embedded PostgreSQL and filesystem media live when not configured otherwise. */
  LEADLINE_HOME: z.string().min(1).default('./.leadline'),
  /** Comma-separated retry delays for a failing message, e.g. "1m,2m,4m,8m,16m". */
  LEADLINE_RETRY_DELAYS: z.string().default('1m,2m,4m,8m,16m'),
  LEADLINE_ALERT_WEBHOOK_URL: optionalString.pipe(z.url().optional()),
  LEADLINE_WORKER_ID: optionalString,
  /**
   * NATS partition leases and outbox effect leases: a killed worker's partitions and the effects its relay
   * had claimed move to the others after this; live holders renew every quarter of it. Shorter moves
   * faster but tolerates shorter stalls (GC, CPU).
   */
  LEADLINE_LEASE_TIMEOUT: duration('15s').refine((ms) => ms >= 1_000, {
    message: 'expected a lease of at least "1s"',
  }),
  /** Replicas of the NATS inbox stream and lease bucket when this process creates them (3 in a 3-node cluster). */
  LEADLINE_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** Synthetic health probe period (src/ops/probe.ts); "0" disables it. */
  LEADLINE_PROBE_INTERVAL: duration('5m'),
  /** System events older than this are deleted by the retention job. */
  LEADLINE_SYSTEM_EVENT_RETENTION: duration('90d'),
  /** After an alert fires, the same alert stays quiet this long. */
  LEADLINE_ALERT_COOLDOWN: duration('30m'),
  /** Set: attachments go to this S3 bucket instead of <LEADLINE_HOME>/media (src/effects/media). */
  LEADLINE_S3_BUCKET: optionalString,
  /** S3-compatible endpoint (MinIO, R2, s3rver…); unset means AWS. Credentials: the AWS_* variables. */
  LEADLINE_S3_ENDPOINT: optionalString.pipe(z.url().optional()),
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
    const issue = result.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`Invalid ${name}: ${issue?.message ?? 'invalid value'}`);
  }
  return Object.freeze(result.data);
}
