// Graceful shutdown (app.close waits for in-flight requests) and the one-line-per-request log.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { adminHeaders, startGateway, type GatewayHarness } from './gateway-harness.ts';

const opened: GatewayHarness[] = [];
afterAll(async () => {
  for (const gw of opened) await gw.rt.stop();
});

describe('graceful shutdown', () => {
  it('app.close() lets an in-flight request finish, then stops', async () => {
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inCheck = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gw = await startGateway({
      deps: {
        readinessChecks: {
          slow: async () => {
            entered();
            await gate;
          },
        },
      },
    });
    opened.push(gw);
    const base = await gw.app.listen({ host: '127.0.0.1', port: 0 });
    const inFlight = fetch(`${base}/readyz`);
    await inCheck;
    let closed = false;
    const closing = gw.app.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    await closing;
    expect(closed).toBe(true);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('request log', () => {
  it('one structured line per request with the trace id; phone masked; no secrets', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n'))
          if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const gw = await startGateway({ deps: { logger: pino({ level: 'info' }, sink) } });
    opened.push(gw);
    await gw.app.inject({
      url: '/admin/leads?phone=%2B447700900123',
      headers: { ...adminHeaders, 'x-trace-id': 't-1' },
    });
    await gw.app.inject({ url: '/healthz', headers: { 'x-trace-id': 't-2' } });
    const handshake = await gw.app.inject({
      url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${gw.env.WHATSAPP_VERIFY_TOKEN ?? ''}&hub.challenge=42`,
      headers: { 'x-trace-id': 't-3' },
    });
    expect(handshake.body).toBe('42');
    await gw.app.inject({ url: '/a/some.capability-token', headers: { 'x-trace-id': 't-4' } });
    await gw.app.close();
    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines.map((l) => l.traceId)).toEqual(['t-1', 't-2', 't-3', 't-4']);
    // Meta's handshake carries WHATSAPP_VERIFY_TOKEN in the query; an action link is a capability.
    expect(requestLines[2]?.url).toBe(
      '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=42',
    );
    expect(JSON.stringify(lines)).not.toContain(gw.env.WHATSAPP_VERIFY_TOKEN);
    expect(JSON.stringify(lines)).not.toContain('some.capability-token');
    expect(lines.filter((l) => l.traceId === 't-1')).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ method: 'GET', statusCode: 200, route: '/admin/leads' });
    const all = JSON.stringify(lines);
    expect(all).not.toContain('447700900123');
    expect(all).toContain('0123');
    expect(all).not.toContain(adminHeaders['x-api-key']);
  });
});
