// GET /metrics carries http_request_duration_seconds by route template and status, and Node's default
// metrics under the unprefixed names stock dashboards query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/observability/metrics.ts';
import { adminHeaders, startGateway, type GatewayHarness } from './gateway-harness.ts';

let gw: GatewayHarness;
beforeAll(async () => {
  gw = await startGateway({ deps: { metrics: new Metrics({ defaultMetrics: true }) } });
});
afterAll(async () => {
  await gw.close();
});

function count(text: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`http_request_duration_seconds_count{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('HTTP metrics', () => {
  it('every request is timed by method, route template and status code', async () => {
    await gw.app.inject({ url: '/healthz' });
    await gw.app.inject({ url: '/healthz' });
    await gw.app.inject({ url: '/admin/leads/ld_000000000000000000000000', headers: adminHeaders });
    await gw.app.inject({ url: '/admin/leads' });
    await gw.app.inject({ url: '/no/such/route' });
    const text = (await gw.app.inject({ url: '/metrics' })).body;
    expect(count(text, 'method="GET",route="/healthz",status_code="200"')).toBe(2);
    expect(count(text, 'method="GET",route="/admin/leads/:id",status_code="404"')).toBe(1);
    expect(count(text, 'method="GET",route="/admin/leads",status_code="401"')).toBe(1);
    expect(count(text, 'method="GET",route="unmatched",status_code="404"')).toBe(1);
    // The raw URL never becomes a label (bounded cardinality, no ids or phone numbers in metrics).
    expect(text).not.toContain('ld_000000000000000000000000');
  });

  it('default Node metrics are unprefixed', async () => {
    const text = (await gw.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(text).not.toMatch(/^leadline_process_/m);
  });
});
