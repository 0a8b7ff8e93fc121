// smsMessageReceived: the one mapping from a parsed SMS item to the lead event, used by the webhook routes and
// by reconciliation's replay of missed messages.
import { describe, expect, it } from 'vitest';
import { messageReceivedEventSchema } from '../../src/domain/lead-events.ts';
import { envelopeSchema } from '../../src/domain/envelope.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { smsEnvelope, smsItems, smsMessageReceived } from '../../src/gateway/webhooks/sms-inbound.ts';

const SID = 'SM0123456789abcdef0123456789abcdef';
const base = {
  provider: 'twilio' as const,
  from: '+15551230001',
  to: '+15005550006',
  sentAt: '2026-12-02T12:00:00.000Z',
};
const at = '2026-12-02T12:00:01.000Z';

describe('smsMessageReceived', () => {
  it('maps a text item to a valid channel-neutral message.received', () => {
    const [item] = smsItems(base, SID, 'Hello', []);
    if (!item) throw new Error('expected an item');
    const event = smsMessageReceived(item, at);
    expect(event).toEqual({
      type: 'message.received',
      at,
      channel: 'sms',
      provider: 'twilio',
      messageId: SID,
      from: [{ type: 'phone', value: '+15551230001' }],
      to: '+15005550006',
      sentAt: base.sentAt,
      content: { kind: 'text', text: 'Hello' },
    });
    expect(messageReceivedEventSchema.parse(event)).toEqual(event);
  });

  it('keeps the provider and names the cut field of a truncated text or caption', () => {
    const long = 'x'.repeat(20_000);
    const [text] = smsItems({ ...base, provider: 'openphone' }, 'AC1', long, []);
    if (!text) throw new Error('expected an item');
    expect(smsMessageReceived(text, at)).toMatchObject({ provider: 'openphone', truncated: ['text'] });

    const [image] = smsItems(base, SID, long, [{ url: 'https://media.example/1', mimeType: 'image/jpeg' }]);
    if (!image) throw new Error('expected an item');
    const event = smsMessageReceived(image, at);
    expect(event).toMatchObject({ content: { kind: 'image', mediaId: 'https://media.example/1' } });
    expect(event.truncated).toEqual(['caption']);
    expect(messageReceivedEventSchema.safeParse(event).success).toBe(true);
  });
});

describe('smsEnvelope', () => {
  it('is keyed by provider and message id, so a webhook and a reconciliation of one message are one envelope', () => {
    const [item] = smsItems(base, SID, 'Hello', []);
    if (!item) throw new Error('expected an item');
    const envelope = smsEnvelope('inkwell', item, at, 'trace-1');
    expect(envelopeSchema.parse(envelope)).toMatchObject({
      id: `twilio:${SID}`,
      leadId: leadIdFor('inkwell', '+15551230001'),
      studioId: 'inkwell',
      acceptedAt: at,
      traceId: 'trace-1',
      event: { type: 'message.received', messageId: SID },
      transcript: { direction: 'in', providerMessageId: SID },
    });
    expect(smsEnvelope('inkwell', item, '2026-12-03T00:00:00.000Z').id).toBe(envelope.id);
  });
});
