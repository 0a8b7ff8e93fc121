import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.ts';
import { PAYMENT_RECONCILED } from '../../src/machines/lead/deposit-check.ts';
import { runAlertCheck } from '../../src/jobs/alert-job.ts';
import { recordSystemEvent } from '../../src/persistence/system-events.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('alert job', () => {
  let t: TestDatabase;
  let receiver: Server;
  let url: string;
  const received: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise((r) => receiver.close(r));
    await t.drop();
  });

  const addDeadLetters = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await t.db
        .insertInto('dead_letters')
        .values({
          id: randomUUID(),
          lead_id: `ld_${i}`,
          message_id: `m:${randomUUID()}`,
          envelope: '{}',
          error: 'boom',
          attempts: 5,
        })
        .execute();
    }
  };
  const addApplied = async (n: number) => {
    await t.db
      .insertInto('processed_messages')
      .values(
        Array.from({ length: n }, (_, i) => ({
          lead_id: 'ld_ok',
          message_id: `ok:${randomUUID()}`,
          lead_version: i,
        })),
      )
      .execute();
  };
  const addRetrying = async (n: number) => {
    await t.db
      .insertInto('lead_retries')
      .values(
        Array.from({ length: n }, () => ({
          lead_id: 'ld_bad',
          message_id: `r:${randomUUID()}`,
          envelope: '{}',
          attempts: 1,
          last_error: 'boom',
        })),
      )
      .execute();
  };
  const alertEvents = () =>
    t.db.selectFrom('system_events').selectAll().where('type', 'like', 'alert.%').execute();

  it('does not fire at the threshold, fires above it once, then keeps quiet during the cool-down', async () => {
    const deps = { db: t.db, logger: silentLogger, webhookUrl: url };
    await addApplied(200);
    await addDeadLetters(10);
    expect(await runAlertCheck(deps, new Date())).toEqual([]);
    expect(received).toHaveLength(0);

    await addDeadLetters(1);
    const fired = await runAlertCheck(deps, new Date());
    expect(fired.map((a) => a.eventType)).toEqual(['alert.dead_letters']);
    expect(received.map((b) => b.alert)).toEqual(['alert.dead_letters']);
    expect(received[0]).toMatchObject({ source: 'leadline' });
    expect(String(received[0]?.text)).toContain('Leadline alert');
    const events = await alertEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ level: 'error', payload: { delivery: 'posted' } });

    await addDeadLetters(5);
    expect(await runAlertCheck(deps, new Date(Date.now() + 60_000))).toEqual([]);
    expect(received).toHaveLength(1);
    expect(await alertEvents()).toHaveLength(1);
  });

  it('fires the failure-rate alert when failing messages exceed 20% of attempts', async () => {
    // So far: 200 applied, 16 dead letters → 216 attempts. 38 retrying → 54 / 254 = 21.3%.
    const deps = { db: t.db, logger: silentLogger, webhookUrl: url };
    await addRetrying(34);
    expect(await runAlertCheck(deps, new Date())).toEqual([]); // 50 / 250 = 20%: not above
    await addRetrying(4);
    const fired = await runAlertCheck(deps, new Date());
    expect(fired.map((a) => a.eventType)).toEqual(['alert.failure_rate']);
    await waitFor(() => received.length === 2);
    expect(received[1]).toMatchObject({ alert: 'alert.failure_rate' });
  });

  it('pages once when a payment was found only by asking Stripe (its webhook never came)', async () => {
    const deps = { db: t.db, logger: silentLogger, webhookUrl: url };
    const before = await alertEvents();
    await recordSystemEvent(t.db, {
      level: 'warn',
      type: PAYMENT_RECONCILED,
      leadId: 'ld_paid',
      payload: { sessionId: 'cs_test_1' },
    });
    const fired = await runAlertCheck(deps, new Date());
    expect(fired.map((a) => a.eventType)).toEqual(['alert.missed_webhooks']);
    expect(fired[0]?.observation.missedWebhooks).toBe(1);
    await waitFor(() => received.some((b) => b.alert === 'alert.missed_webhooks'));
    expect(await runAlertCheck(deps, new Date(Date.now() + 60_000))).toEqual([]);
    expect((await alertEvents()).length).toBe(before.length + 1);
  });
});
