// The alert job: observe the window from the database (so every worker sees the whole cluster), decide with
// the pure rules, then record each alert as a system event and POST it to LEADLINE_ALERT_WEBHOOK_URL.
// The system event is also the cool-down memory: the last `alert.<kind>` event is when it last fired.
import { sql } from 'kysely';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../persistence/database.ts';
import { recordSystemEvent } from '../persistence/system-events.ts';
// The lead machine records it when a payment is found only by asking Stripe (its webhook never came).
import { PAYMENT_RECONCILED } from '../machines/lead/deposit-check.ts';
import {
  ALERT_KINDS,
  decideAlerts,
  defaultAlertThresholds,
  type Alert,
  type AlertKind,
  type AlertObservation,
  type AlertThresholds,
} from './alert-rules.ts';

export interface AlertJobDeps {
  db: Db;
  logger: Logger;
  webhookUrl?: string | undefined;
  windowMs?: number;
  thresholds?: AlertThresholds;
}

/**
 * Attempts = messages applied in the window (processed_messages) + failures; failures = messages that
 * failed in the window: those now waiting in lead_retries after a failed attempt plus those that became
 * dead letters.
 */
export async function observeWindow(db: Db, now: Date, windowMs: number): Promise<AlertObservation> {
  const since = new Date(now.getTime() - windowMs);
  const count = (n: string | number | bigint | undefined) => Number(n ?? 0);
  const [applied, retrying, dead, reconciled] = await Promise.all([
    db
      .selectFrom('processed_messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('processed_at', '>=', since)
      .executeTakeFirst(),
    db
      .selectFrom('lead_retries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('attempts', '>', 0)
      .where(sql<boolean>`coalesce(next_attempt_at, created_at) >= ${since}`)
      .executeTakeFirst(),
    db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('failed_at', '>=', since)
      .executeTakeFirst(),
    db
      .selectFrom('system_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('type', '=', PAYMENT_RECONCILED)
      .where('at', '>=', since)
      .executeTakeFirst(),
  ]);
  const failures = count(retrying?.n) + count(dead?.n);
  return {
    windowMs,
    attempts: count(applied?.n) + failures,
    failures,
    newDeadLetters: count(dead?.n),
    missedWebhooks: count(reconciled?.n),
  };
}

async function lastFired(db: Db): Promise<Partial<Record<AlertKind, Date>>> {
  const rows = await db
    .selectFrom('system_events')
    .select(['type', (eb) => eb.fn.max('at').as('at')])
    .where(
      'type',
      'in',
      ALERT_KINDS.map((kind) => `alert.${kind}`),
    )
    .groupBy('type')
    .execute();
  const result: Partial<Record<AlertKind, Date>> = {};
  for (const row of rows) result[row.type.slice('alert.'.length) as AlertKind] = new Date(row.at);
  return result;
}

/** One alert for the sink: a system event `eventType` and, when configured, a POST to the alert webhook. */
export interface AlertNotice {
  eventType: string;
  message: string;
  observation: Record<string, unknown>;
}

export interface AlertSinkDeps {
  db: Db;
  logger: Logger;
  webhookUrl?: string | undefined;
}

async function postWebhook(url: string, alert: AlertNotice, now: Date): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // `text` makes the body usable as-is by Slack-style incoming webhooks.
    body: JSON.stringify({
      source: 'leadline',
      alert: alert.eventType,
      text: `Leadline alert: ${alert.message}`,
      message: alert.message,
      observation: alert.observation,
      at: now.toISOString(),
    }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`alert webhook answered ${response.status}`);
}

/** The alert sink every alert goes through (this job's rules, reconciliation, channel health). */
export async function sendAlert(deps: AlertSinkDeps, alert: AlertNotice, now: Date): Promise<void> {
  let delivery: string = deps.webhookUrl === undefined ? 'no webhook configured' : 'posted';
  if (deps.webhookUrl !== undefined) {
    try {
      await postWebhook(deps.webhookUrl, alert, now);
    } catch (error) {
      delivery = `webhook failed: ${error instanceof Error ? error.message : String(error)}`;
      deps.logger.error({ err: error, alert: alert.eventType }, 'alert webhook failed');
    }
  }
  await recordSystemEvent(deps.db, {
    level: 'error',
    type: alert.eventType,
    payload: { message: alert.message, observation: alert.observation, delivery },
    at: now,
  });
  deps.logger.error({ alert: alert.eventType, observation: alert.observation }, alert.message);
}

export async function runAlertCheck(deps: AlertJobDeps, now: Date): Promise<Alert[]> {
  const thresholds = deps.thresholds ?? defaultAlertThresholds;
  const observation = await observeWindow(deps.db, now, deps.windowMs ?? 15 * 60_000);
  const alerts = decideAlerts(observation, await lastFired(deps.db), now, thresholds);
  for (const alert of alerts) await sendAlert(deps, { ...alert, observation: { ...alert.observation } }, now);
  return alerts;
}
