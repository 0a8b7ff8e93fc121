import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorDefinition } from '../../src/actors/actor-definition.ts';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { probeDefinition } from '../../src/machines/probe/probe-machine.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startSystem, type RunningSystem } from '../../src/system.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitFor } from '../helpers/runtime-harness.ts';

interface Ready {
  status: string;
  checks: Record<string, { status: string; detail?: unknown }>;
}

describe('synthetic health probe', () => {
  let t: TestDatabase;
  let system: RunningSystem;
  // Fault injection: while `broken`, the probe actor fails to apply its message (like a throwing machine).
  let broken = false;
  const faultyProbe: ActorDefinition = {
    ...probeDefinition,
    eventFor: (envelope) => {
      if (broken) throw new Error('injected probe fault');
      return envelope.event;
    },
  } as ActorDefinition;

  beforeAll(async () => {
    t = await createTestDatabase();
    const env = parseEnv({
      DATABASE_URL: t.url,
      HOST: '127.0.0.1',
      PORT: '0',
      ADMIN_API_KEY: 'probe-test-key',
      LEADLINE_PROBE_INTERVAL: '1s',
      LEADLINE_RETRY_DELAYS: '100ms',
      LOG_LEVEL: 'silent',
    });
    system = await startSystem({
      env,
      role: 'all',
      studioConfig: demoStudioConfig,
      logger: silentLogger,
      definitions: () => [faultyProbe],
      tuning: { probeTimeoutMs: 600, schedulerTickMs: 50 },
    });
  });
  afterAll(async () => {
    await system.stop();
    await t.drop();
  });

  const ready = async (): Promise<{ code: number; body: Ready }> => {
    const response = await fetch(`${system.url}/readyz`);
    return { code: response.status, body: (await response.json()) as Ready };
  };
  const probeRan = async () => {
    const r = await ready();
    return r.body.checks.probe?.status === 'ok' && typeof r.body.checks.probe.detail === 'object';
  };

  it('reports ok after a successful probe, degraded while probes fail, and ok again on recovery', async () => {
    await waitFor(probeRan, 15_000, 'a first successful probe');
    expect((await ready()).code).toBe(200);

    broken = true;
    await waitFor(async () => (await ready()).body.status === 'degraded', 15_000, 'readiness to degrade');
    const degraded = await ready();
    expect(degraded.code).toBe(200);
    expect(degraded.body.checks.probe?.status).toBe('degraded');
    expect(degraded.body.checks.database?.status).toBe('ok');

    broken = false;
    await waitFor(async () => (await ready()).body.status === 'ok', 15_000, 'readiness to recover');
  });

  it('summarises the last 24 hours over the admin API', async () => {
    const unauthorised = await fetch(`${system.url}/admin/probes/summary`);
    expect(unauthorised.status).toBe(401);
    const response = await fetch(`${system.url}/admin/probes/summary`, {
      headers: { 'x-api-key': 'probe-test-key' },
    });
    expect(response.status).toBe(200);
    const summary = (await response.json()) as Record<string, number | null>;
    expect(summary.checks).toBeGreaterThanOrEqual(3);
    expect(summary.successes).toBeGreaterThanOrEqual(2);
    expect(summary.successes).toBeLessThan(summary.checks ?? 0);
    expect(summary.successRate).toBeCloseTo((summary.successes ?? 0) / (summary.checks ?? 1));
    expect(summary.p50LatencyMs).toBeGreaterThanOrEqual(0);
    expect(summary.p99LatencyMs).toBeGreaterThanOrEqual(summary.p50LatencyMs ?? 0);
  });
});
