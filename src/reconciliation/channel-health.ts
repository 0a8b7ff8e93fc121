// Channel health: every SMS number is probed end to end. A message is sent through the provider from the
// number to itself; its inbound webhook must come back within 60 s (the SMS routes record such an echo as
// an `sms.channel_probe_echo` system event instead of publishing it to a lead; `matchProbeEchoes` applies
// them to their probes). A probe past its deadline fails, raises `alert.channel_health` and
// makes /readyz `degraded` for that channel until a probe of it succeeds. Results are kept 30 days.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from '../observability/logger.ts';
import { sendAlert } from '../jobs/alert-job.ts';
import type { ScheduledJob } from '../jobs/scheduler.ts';
import { CHANNEL_PROBE_ECHO_EVENT } from '../gateway/webhooks/sms-envelopes.ts';
import type { Db } from '../persistence/database.ts';
import type { ReconcileNumber } from './history.ts';
import type { ProviderClients } from './history-sources.ts';

export const PROBE_DEADLINE_MS = 60_000;
export const PROBE_INTERVAL_MS = 3_600_000;
export const PROBE_RETENTION_MS = 30 * 24 * 3_600_000;
/**
 * A number is first probed this long after the job first runs in a process, not at once: the echo is a
 * webhook to this deployment, which a provider reaches only once the gateway listens and the proxy or
 * load balancer in front of it routes to it. A probe sent in the first seconds of a start (or of a rolling
 * deploy) would measure the deploy, not the channel. A number probed within the interval before a
 * restart keeps its schedule, so a crash loop never floods the provider with probes.
 */
export const PROBE_START_DELAY_MS = 120_000;
const PROBE_TEXT = /Leadline channel check (chk_[0-9a-f-]{36})/;

export const probeText = (id: string) => `Leadline channel check ${id}`;

async function sendProbe(clients: ProviderClients, n: ReconcileNumber, text: string): Promise<string> {
  if (n.provider === 'twilio') {
    if (!clients.twilio) throw new Error('no Twilio credentials');
    return (await clients.twilio.send({ from: n.number, to: n.number, body: text })).sid;
  }
  if (!clients.openphone) throw new Error('no OpenPhone credentials');
  const from = n.phoneNumberId ?? n.number;
  return (await clients.openphone.send({ from, to: n.number, content: text })).id;
}

/** A probe of one number: sent now, due back within the deadline. */
export async function probeNumber(
  deps: { db: Db; clients: ProviderClients },
  n: ReconcileNumber,
  now: Date,
): Promise<{ id: string; error?: string }> {
  const id = `chk_${randomUUID()}`;
  const row = {
    id,
    studio_id: n.studioId,
    channel: 'sms',
    provider: n.provider,
    number: n.number,
    sent_at: now,
    deadline_at: new Date(now.getTime() + PROBE_DEADLINE_MS),
  };
  try {
    const providerId = await sendProbe(deps.clients, n, probeText(id));
    await deps.db
      .insertInto('channel_health_checks')
      .values({ ...row, provider_message_id: providerId })
      .execute();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.db
      .insertInto('channel_health_checks')
      .values({ ...row, ok: false, error: `send failed: ${message}` })
      .execute();
    return { id, error: `send failed: ${message}` };
  }
  return { id };
}

/**
 * An inbound SMS from a number to itself is a probe's echo, never a lead's message: true when it is one
 * (recorded on its check if it came back in time, or as late).
 */
export async function recordProbeEcho(
  db: Db,
  echo: { from: string; to: string; text: string | null },
  now: Date,
): Promise<boolean> {
  if (echo.from !== echo.to) return false;
  const id = PROBE_TEXT.exec(echo.text ?? '')?.[1];
  let query = db
    .updateTable('channel_health_checks')
    .set({
      received_at: now,
      ok: sql<boolean>`${now}::timestamptz <= deadline_at`,
      error: sql<
        string | null
      >`case when ${now}::timestamptz <= deadline_at then null else 'webhook came back after 60 s' end`,
    })
    .where('number', '=', echo.to)
    .where('sent_at', '<=', now)
    .where('received_at', 'is', null);
  if (id !== undefined) query = query.where('id', '=', id);
  await query.execute();
  return true;
}

/** The echoes the webhook routes recorded since the oldest probe still waiting, applied to their probes. */
export async function matchProbeEchoes(db: Db): Promise<number> {
  const oldest = await db
    .selectFrom('channel_health_checks')
    .select((eb) => eb.fn.min('sent_at').as('at'))
    .where('received_at', 'is', null)
    .where('provider_message_id', 'is not', null)
    .executeTakeFirst();
  if (!oldest?.at) return 0;
  const echoes = await db
    .selectFrom('system_events')
    .select(['at', 'payload'])
    .where('type', '=', CHANNEL_PROBE_ECHO_EVENT)
    .where('at', '>=', new Date(oldest.at))
    .orderBy('at')
    .execute();
  for (const echo of echoes) {
    const number = typeof echo.payload['number'] === 'string' ? echo.payload['number'] : '';
    const text = typeof echo.payload['text'] === 'string' ? echo.payload['text'] : null;
    await recordProbeEcho(db, { from: number, to: number, text }, echo.at);
  }
  return echoes.length;
}

export interface ChannelHealthDeps {
  db: Db;
  logger: Logger;
  clients: ProviderClients;
  numbers: () => readonly ReconcileNumber[];
  alertWebhookUrl?: string | undefined;
  intervalMs?: number;
  /** See PROBE_START_DELAY_MS. */
  startDelayMs?: number;
}

interface FailedCheck {
  studioId: string;
  provider: string;
  number: string;
  sentAt: Date;
  error: string;
}

async function alertFailure(deps: ChannelHealthDeps, check: FailedCheck, now: Date): Promise<void> {
  await sendAlert(
    { db: deps.db, logger: deps.logger, webhookUrl: deps.alertWebhookUrl },
    {
      eventType: 'alert.channel_health',
      message: `SMS channel ${check.number} (${check.provider}) failed its health check: ${check.error}`,
      observation: { ...check, channel: 'sms', sentAt: check.sentAt.toISOString() },
    },
    now,
  );
}

/** Probes past their deadline with no echo fail; returns them. */
export async function expireProbes(db: Db, now: Date): Promise<FailedCheck[]> {
  const error = 'no webhook within 60 s';
  const failed = await db
    .updateTable('channel_health_checks')
    .set({ ok: false, error })
    .where('ok', 'is', null)
    .where('deadline_at', '<', now)
    .returning(['studio_id', 'provider', 'number', 'sent_at'])
    .execute();
  return failed.map((f) => ({
    studioId: f.studio_id,
    provider: f.provider,
    number: f.number,
    sentAt: f.sent_at,
    error,
  }));
}

/**
 * The numbers that are probed: those of a provider this deployment has credentials for. A provider
 * without them is the sandbox outside production (nothing is sent, so nothing could echo) and a
 * production start refuses it; such a number is never probed and never makes /readyz degraded.
 */
export function probedNumbers(
  numbers: readonly ReconcileNumber[],
  clients: ProviderClients,
): ReconcileNumber[] {
  return numbers.filter((n) => clients[n.provider] !== undefined);
}

/**
 * The hourly probe job: expire overdue probes, probe each number whose last probe is an interval old, the
 * first time not before PROBE_START_DELAY_MS after the job's first run in this process.
 */
export function channelHealthJob(deps: ChannelHealthDeps & { everyMs?: number }): ScheduledJob {
  let firstRunAt: number | undefined;
  return {
    name: 'channel-health',
    everyMs: deps.everyMs ?? 15_000,
    scope: 'cluster',
    async run({ now }) {
      const interval = deps.intervalMs ?? PROBE_INTERVAL_MS;
      firstRunAt ??= now.getTime();
      const warmingUp = now.getTime() - firstRunAt < (deps.startDelayMs ?? PROBE_START_DELAY_MS);
      const numbers = warmingUp ? [] : probedNumbers(deps.numbers(), deps.clients);
      const last = await deps.db
        .selectFrom('channel_health_checks')
        .select(['number', (eb) => eb.fn.max('sent_at').as('at')])
        .groupBy('number')
        .execute();
      const lastAt = new Map(last.map((r) => [r.number, new Date(r.at).getTime()]));
      let probed = 0;
      await matchProbeEchoes(deps.db);
      const failed = await expireProbes(deps.db, now);
      for (const n of numbers) {
        const at = lastAt.get(n.number);
        if (at !== undefined && now.getTime() - at < interval) continue;
        const probe = await probeNumber(deps, n, now);
        if (probe.error !== undefined) failed.push({ ...n, sentAt: now, error: probe.error });
        probed++;
      }
      for (const check of failed) await alertFailure(deps, check, now);
      await deps.db
        .deleteFrom('channel_health_checks')
        .where('sent_at', '<', new Date(now.getTime() - PROBE_RETENTION_MS))
        .execute();
      return { probed, failed: failed.length };
    },
  };
}
