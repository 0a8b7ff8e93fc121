import { describe, expect, it } from 'vitest';
import { decideAlerts, defaultAlertThresholds, type AlertObservation } from '../../src/jobs/alert-rules.ts';
import { testIso } from '../helpers/test-clock.ts';

const now = new Date(testIso('2026-11-21T12:00:00Z'));
const obs = (o: Partial<AlertObservation>): AlertObservation => ({
  windowMs: 15 * 60_000,
  attempts: 100,
  failures: 0,
  newDeadLetters: 0,
  missedWebhooks: 0,
  ...o,
});
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

describe('decideAlerts', () => {
  it('fires the failure-rate alert above 20%, not at or below it', () => {
    expect(decideAlerts(obs({ failures: 20 }), {}, now)).toEqual([]);
    const fired = decideAlerts(obs({ failures: 21 }), {}, now);
    expect(fired.map((a) => a.eventType)).toEqual(['alert.failure_rate']);
    expect(fired[0]?.message).toContain('21.0% of 100');
  });

  it('ignores the rate on too few attempts', () => {
    expect(decideAlerts(obs({ attempts: 9, failures: 9 }), {}, now)).toEqual([]);
    expect(decideAlerts(obs({ attempts: 10, failures: 9 }), {}, now)).toHaveLength(1);
  });

  it('fires the dead-letter alert above 10 new dead letters, not at 10', () => {
    expect(decideAlerts(obs({ newDeadLetters: 10 }), {}, now)).toEqual([]);
    expect(decideAlerts(obs({ newDeadLetters: 11 }), {}, now).map((a) => a.kind)).toEqual(['dead_letters']);
  });

  it('fires the missed-webhook alert on a single payment found only by asking Stripe', () => {
    expect(decideAlerts(obs({}), {}, now)).toEqual([]);
    const fired = decideAlerts(obs({ missedWebhooks: 1 }), {}, now);
    expect(fired.map((a) => a.eventType)).toEqual(['alert.missed_webhooks']);
    expect(fired[0]?.message).toContain('STRIPE_WEBHOOK_SECRET');
    expect(decideAlerts(obs({ missedWebhooks: 3 }), { missed_webhooks: minutesAgo(5) }, now)).toEqual([]);
  });

  it('stays quiet during the cool-down and fires again after it, per alert kind', () => {
    const bad = obs({ failures: 50, newDeadLetters: 30 });
    const cooldownMin = defaultAlertThresholds.cooldownMs / 60_000;
    expect(decideAlerts(bad, { failure_rate: minutesAgo(1) }, now).map((a) => a.kind)).toEqual([
      'dead_letters',
    ]);
    expect(
      decideAlerts(bad, { failure_rate: minutesAgo(cooldownMin - 1), dead_letters: minutesAgo(2) }, now),
    ).toEqual([]);
    expect(
      decideAlerts(
        bad,
        { failure_rate: minutesAgo(cooldownMin), dead_letters: minutesAgo(cooldownMin + 5) },
        now,
      ).map((a) => a.kind),
    ).toEqual(['failure_rate', 'dead_letters']);
  });
});
