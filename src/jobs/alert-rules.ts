// The alert decision, a pure function: given what happened over the window and when each alert last fired,
// which alerts fire now. Thresholds are strict ("more than"), so exactly 20% or exactly 10 dead letters do
// not fire. A fired alert stays quiet for its cool-down so a persistent fault pages once, not every minute.

export const ALERT_KINDS = ['failure_rate', 'dead_letters', 'missed_webhooks'] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertThresholds {
  /** Fire when failures / attempts is strictly greater than this (default 0.2). */
  maxFailureRate: number;
  /** Ignore the rate below this many attempts, so 1 failure out of 2 is not an incident (default 10). */
  minAttempts: number;
  /** Fire when strictly more dead letters than this appeared in the window (default 10). */
  maxNewDeadLetters: number;
  /**
   * Fire when strictly more payments than this were found only by asking Stripe (default 0: a single one
   * means the webhook endpoint or its secret is broken, and every other Stripe event is being lost too).
   */
  maxMissedWebhooks: number;
  cooldownMs: number;
}

export const defaultAlertThresholds: AlertThresholds = {
  maxFailureRate: 0.2,
  minAttempts: 10,
  maxNewDeadLetters: 10,
  maxMissedWebhooks: 0,
  cooldownMs: 30 * 60_000,
};

export interface AlertObservation {
  windowMs: number;
  /** Processing attempts in the window: successful applies plus failed attempts. */
  attempts: number;
  failures: number;
  newDeadLetters: number;
  /** Payments reconciled with Stripe at deposit expiry because their webhook never arrived. */
  missedWebhooks: number;
}

export interface Alert {
  kind: AlertKind;
  /** System event type: `alert.failure_rate` / `alert.dead_letters` / `alert.missed_webhooks`. */
  eventType: `alert.${AlertKind}`;
  message: string;
  observation: AlertObservation;
}

export function decideAlerts(
  observation: AlertObservation,
  lastFired: Readonly<Partial<Record<AlertKind, Date>>>,
  now: Date,
  thresholds: AlertThresholds = defaultAlertThresholds,
): Alert[] {
  const coolingDown = (kind: AlertKind) => {
    const last = lastFired[kind];
    return last !== undefined && now.getTime() - last.getTime() < thresholds.cooldownMs;
  };
  const minutes = Math.round(observation.windowMs / 60_000);
  const alerts: Alert[] = [];

  const { attempts, failures } = observation;
  const rate = attempts > 0 ? failures / attempts : 0;
  if (
    attempts >= thresholds.minAttempts &&
    rate > thresholds.maxFailureRate &&
    !coolingDown('failure_rate')
  ) {
    alerts.push({
      kind: 'failure_rate',
      eventType: 'alert.failure_rate',
      message: `${(rate * 100).toFixed(1)}% of ${attempts} processing attempts failed in the last ${minutes} min`,
      observation,
    });
  }
  if (observation.newDeadLetters > thresholds.maxNewDeadLetters && !coolingDown('dead_letters')) {
    alerts.push({
      kind: 'dead_letters',
      eventType: 'alert.dead_letters',
      message: `${observation.newDeadLetters} new dead letters in the last ${minutes} min`,
      observation,
    });
  }
  if (observation.missedWebhooks > thresholds.maxMissedWebhooks && !coolingDown('missed_webhooks')) {
    alerts.push({
      kind: 'missed_webhooks',
      eventType: 'alert.missed_webhooks',
      message:
        `${observation.missedWebhooks} Stripe payment(s) in the last ${minutes} min were found only by asking ` +
        'Stripe at deposit expiry: checkout.session.completed webhooks are not arriving (check the endpoint ' +
        'and STRIPE_WEBHOOK_SECRET)',
      observation,
    });
  }
  return alerts;
}
