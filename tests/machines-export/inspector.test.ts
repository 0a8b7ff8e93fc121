import { afterEach, describe, expect, it } from 'vitest';
import { assign, createActor, initialTransition, setup, transition, type AnyEventObject } from 'xstate';
import { maskPhone, silentLogger } from '../../src/observability/logger.ts';
import { createInspection, inspectPort, type Inspection } from '../../src/observability/inspector.ts';
import {
  maskPhoneNumbers,
  sanitizeContext,
  sanitizeEvent,
} from '../../src/observability/inspection-sanitize.ts';
import { waitFor } from '../helpers/runtime-harness.ts';
import { freePort } from '../helpers/servers.ts';
import { testIso } from '../helpers/test-clock.ts';

const PHONE = '+447700900123';
const BARE = '447700900123';

describe('inspection sanitizers', () => {
  it('mask phone numbers in phone-named fields, nested objects, arrays and free text', () => {
    const context = {
      phone: PHONE,
      lead: { whatsapp: '+44 7700 900123', wa_id: BARE, name: 'Ada' },
      transcript: [{ from: BARE, text: `call me on ${PHONE} or ${BARE}` }],
      answers: { budget: { amountMinor: 30000, currency: 'GBP' }, dimensions: '10x15cm' },
      at: testIso('2026-11-21T15:00:00.000Z'),
    };
    const masked = sanitizeContext(context);
    const text = JSON.stringify(masked);
    expect(text).not.toMatch(/7700\s?900/);
    expect(masked).toMatchObject({
      phone: maskPhone(PHONE),
      lead: { name: 'Ada', wa_id: maskPhone(BARE) },
      answers: { budget: { amountMinor: 30000, currency: 'GBP' }, dimensions: '10x15cm' },
      at: testIso('2026-11-21T15:00:00.000Z'),
    });
    expect(context.phone).toBe(PHONE);
  });

  it('mask the inbound message event a lead sends', () => {
    const event = {
      type: 'message.received',
      channel: 'whatsapp',
      provider: 'meta',
      at: testIso('2026-11-21T15:00:00Z'),
      from: [{ type: 'phone', value: PHONE }],
      text: `it's ${PHONE}`,
    };
    expect(JSON.stringify(sanitizeEvent(event))).not.toContain('7700900');
    expect(sanitizeEvent(event)).toMatchObject({
      type: 'message.received',
      channel: 'whatsapp',
      provider: 'meta',
      at: testIso('2026-11-21T15:00:00Z'),
    });
  });

  it('survive cycles and depth without throwing', () => {
    const cyclic: Record<string, unknown> = { phone: PHONE };
    cyclic.self = cyclic;
    expect(maskPhoneNumbers(cyclic)).toMatchObject({ phone: maskPhone(PHONE), self: '[cut]' });
  });
});

describe('createInspection', () => {
  let inspection: Inspection | null = null;
  afterEach(() => {
    inspection?.stop();
    inspection = null;
  });

  it('is not created unless LEADLINE_INSPECT asks for it', async () => {
    expect(await createInspection({ LEADLINE_INSPECT: undefined }, silentLogger)).toBeNull();
    expect(inspectPort('ws')).toBe(8080);
    expect(inspectPort('ws:9999')).toBe(9999);
  });

  it('refuses a port that is taken instead of crashing the process', async () => {
    const port = await freePort();
    const first = await createInspection({ LEADLINE_INSPECT: `ws:${port}` }, silentLogger);
    try {
      await expect(createInspection({ LEADLINE_INSPECT: `ws:${port}` }, silentLogger)).rejects.toThrow(
        /port/,
      );
    } finally {
      first?.stop();
    }
  });

  it('relays reported transitions and live actors to an inspector page with phone numbers masked', async () => {
    const machine = setup({
      types: { context: {} as { phone: string; count: number }, events: {} as { type: 'inc'; from: string } },
    }).createMachine({
      id: 'inspected',
      context: { phone: PHONE, count: 0 },
      initial: 'on',
      states: { on: { on: { inc: { actions: assign({ count: ({ context }) => context.count + 1 }) } } } },
    });
    const port = await freePort();
    inspection = await createInspection({ LEADLINE_INSPECT: `ws:${port}` }, silentLogger);
    expect(inspection?.url).toBe(`http://localhost:${port}`);

    // What the host does: a pure transition, then a report.
    const event: AnyEventObject = { type: 'inc', from: PHONE };
    const [initial] = initialTransition(machine);
    const [next] = transition(machine, initial, { type: 'inc', from: PHONE });
    inspection!.report('lead-1', machine, next, event);
    // And a live actor with the inspect callback.
    const actor = createActor(machine, { inspect: (e) => inspection!.inspect(e) }).start();
    actor.send({ type: 'inc', from: PHONE });

    // The relay replays what it received to a browser page that connects later.
    const received: { type: string; sessionId: string; definition?: string }[] = [];
    const raw: string[] = [];
    const page = new WebSocket(`ws://127.0.0.1:${port}`);
    page.addEventListener('message', (message) => {
      raw.push(String(message.data));
      received.push(JSON.parse(String(message.data)) as (typeof received)[number]);
    });
    await waitFor(
      () =>
        received.filter((m) => m.sessionId === 'lead-1').length >= 3 &&
        received.some((m) => m.sessionId === actor.sessionId && m.type === '@xstate.snapshot'),
      5000,
      'reported and live inspection events',
    );
    page.close();
    actor.stop();

    expect(received.filter((m) => m.sessionId === 'lead-1').map((m) => m.type)).toEqual([
      '@xstate.actor',
      '@xstate.event',
      '@xstate.snapshot',
    ]);
    const announced = received.find((m) => m.sessionId === 'lead-1' && m.type === '@xstate.actor');
    expect(JSON.parse(announced?.definition ?? '{}')).toMatchObject({ id: 'inspected' });
    expect(raw.join('\n')).not.toContain('7700900123');
    expect(raw.join('\n')).toContain(maskPhone(PHONE));
  });
});
