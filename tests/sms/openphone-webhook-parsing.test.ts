// The pure half of OpenPhone's webhooks: both signature schemes (legacy openphone-signature and Standard
// Webhooks), the 5-minute tolerance, and message.received / message.delivered.
import { describe, expect, it } from 'vitest';
import {
  checkOpenphoneSignature,
  signOpenphoneLegacy,
  signOpenphoneStandard,
} from '../../src/gateway/webhooks/openphone-signature.ts';
import { parseOpenphoneEvent } from '../../src/gateway/webhooks/openphone-event.ts';

const secret = Buffer.from('openphone-signing-key').toString('base64');
const whsec = `whsec_${Buffer.from('standard-webhooks-key').toString('base64')}`;
const now = new Date();
const body = JSON.stringify({ id: 'EV1', object: 'event', type: 'message.received', data: { object: {} } });
const raw = Buffer.from(body);

describe('openphone-signature (legacy)', () => {
  it('accepts a body signed with the base64-decoded key over <timestamp>.<body>', () => {
    const header = signOpenphoneLegacy(secret, body, now);
    expect(header).toMatch(/^hmac;1;\d{13};[A-Za-z0-9+/]+=*$/);
    expect(checkOpenphoneSignature(secret, raw, { 'openphone-signature': header }, now)).toBe('valid');
  });

  it('accepts a pretty-printed body whose compact form was signed', () => {
    const header = signOpenphoneLegacy(secret, body, now);
    const pretty = Buffer.from(JSON.stringify(JSON.parse(body), null, 2));
    expect(checkOpenphoneSignature(secret, pretty, { 'openphone-signature': header }, now)).toBe('valid');
  });

  it('refuses another key, a changed body, a malformed header, and a timestamp over 5 minutes away', () => {
    const header = signOpenphoneLegacy(secret, body, now);
    const other = Buffer.from('other').toString('base64');
    expect(checkOpenphoneSignature(other, raw, { 'openphone-signature': header }, now)).toBe('mismatch');
    const changed = Buffer.from(body.replace('EV1', 'EV2'));
    expect(checkOpenphoneSignature(secret, changed, { 'openphone-signature': header }, now)).toBe('mismatch');
    expect(checkOpenphoneSignature(secret, raw, { 'openphone-signature': 'hmac;1;x;y' }, now)).toBe(
      'malformed',
    );
    const old = signOpenphoneLegacy(secret, body, new Date(now.getTime() - 5 * 60_000 - 1_000));
    expect(checkOpenphoneSignature(secret, raw, { 'openphone-signature': old }, now)).toBe('stale');
    expect(checkOpenphoneSignature(secret, raw, {}, now)).toBe('missing');
    expect(checkOpenphoneSignature(undefined, raw, { 'openphone-signature': header }, now)).toBe(
      'not_configured',
    );
  });
});

describe('Standard Webhooks headers', () => {
  it('accepts webhook-id/-timestamp/-signature made with the whsec_ key', () => {
    const headers = signOpenphoneStandard(whsec, 'msg_1', body, now);
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    expect(checkOpenphoneSignature(whsec, raw, headers, now)).toBe('valid');
  });

  it('refuses another key, another id, and an old timestamp', () => {
    const headers = signOpenphoneStandard(whsec, 'msg_1', body, now);
    expect(checkOpenphoneSignature(`whsec_${secret}`, raw, headers, now)).toBe('mismatch');
    expect(checkOpenphoneSignature(whsec, raw, { ...headers, 'webhook-id': 'msg_2' }, now)).toBe('mismatch');
    const old = signOpenphoneStandard(whsec, 'msg_1', body, new Date(Date.now() - 10 * 60_000));
    expect(checkOpenphoneSignature(whsec, raw, old, now)).toBe('stale');
  });
});

describe('events', () => {
  const message = {
    id: 'AC123',
    object: 'message',
    from: '+15551230001',
    to: '+15005550007',
    direction: 'incoming',
    text: 'Hi from OpenPhone',
    status: 'received',
    createdAt: '2026-12-02T11:59:00.000Z',
    userId: 'US1',
    phoneNumberId: 'PNabc123',
  };
  const event = (type: string, object: unknown) => ({
    id: 'EV1',
    object: 'event',
    apiVersion: 'v4',
    createdAt: '2026-12-02T11:59:01.000Z',
    type,
    data: { object },
  });

  it('maps message.received', () => {
    expect(parseOpenphoneEvent(event('message.received', message), now)).toEqual({
      ok: true,
      kind: 'inbound',
      to: '+15005550007',
      phoneNumberId: 'PNabc123',
      items: [
        {
          provider: 'openphone',
          messageId: 'AC123',
          from: '+15551230001',
          to: '+15005550007',
          sentAt: '2026-12-02T11:59:00.000Z',
          content: { kind: 'text', text: 'Hi from OpenPhone' },
          transcript: {
            direction: 'in',
            kind: 'text',
            text: 'Hi from OpenPhone',
            providerMessageId: 'AC123',
          },
        },
      ],
    });
  });

  it('reads the older `body` field, a `to` array and the 2026 `data.resource` shape', () => {
    const older = { ...message, text: undefined, body: 'old body', to: ['+15005550007'] };
    const result = parseOpenphoneEvent(
      { ...event('message.received', undefined), data: { resource: older } },
      now,
    );
    expect(result).toMatchObject({ ok: true, items: [{ content: { kind: 'text', text: 'old body' } }] });
  });

  it('maps message.delivered to a delivery status of our message', () => {
    const ours = {
      ...message,
      id: 'AC999',
      direction: 'outgoing',
      from: '+15005550007',
      to: '+15551230001',
      status: 'delivered',
    };
    expect(parseOpenphoneEvent(event('message.delivered', ours), now)).toEqual({
      ok: true,
      kind: 'status',
      value: {
        messageId: 'AC999',
        status: 'delivered',
        to: '+15551230001',
        from: '+15005550007',
        phoneNumberId: 'PNabc123',
      },
    });
  });

  it('ignores other event types and refuses malformed ones', () => {
    expect(parseOpenphoneEvent(event('call.completed', {}), now)).toMatchObject({
      ok: false,
      reason: 'ignored',
    });
    expect(parseOpenphoneEvent({ nope: true }, now)).toMatchObject({ ok: false, reason: 'invalid_event' });
    expect(parseOpenphoneEvent(event('message.received', { ...message, to: 'nobody' }), now)).toMatchObject({
      ok: false,
      reason: 'invalid_event',
    });
  });

  it('a sender that is not E.164 in an otherwise good message is invalid_sender, with the raw sender', () => {
    expect(parseOpenphoneEvent(event('message.received', { ...message, from: 'nobody' }), now)).toMatchObject(
      {
        ok: false,
        reason: 'invalid_sender',
        sender: { messageId: message.id, to: message.to, from: 'nobody' },
      },
    );
  });
});
