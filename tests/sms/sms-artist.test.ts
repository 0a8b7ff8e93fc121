// Artists are never leads on SMS either: what an artist texts to a studio number (from their WhatsApp
// number or their own `sms` number) becomes an artist message, not a lead's envelope, and the delivery
// statuses of messages to them concern no lead.
import { describe, expect, it } from 'vitest';
import { smsItems } from '../../src/gateway/webhooks/sms-inbound.ts';
import { translateSmsInbound, translateSmsStatus } from '../../src/gateway/webhooks/sms-envelopes.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';

const config = parseStudioConfig({
  studios: [
    {
      ...demoStudioInput.studios[0],
      artists: [
        { id: 'sam', name: 'Sam Needle', whatsapp: '+447700900001' },
        { id: 'kit', name: 'Kit Ink', whatsapp: '+447700900002', sms: '+15551239999' },
      ],
    },
  ],
});
const studios = new StudioRegistry(config);
const number = studios.bySmsNumber('+15005550006');
const now = new Date('2026-12-02T12:00:01.000Z');
const item = (from: string, text: string, id: string) =>
  smsItems(
    { provider: 'twilio', from, to: '+15005550006', sentAt: '2026-12-02T12:00:00.000Z' },
    id,
    text,
    [],
  );

describe('artist SMS', () => {
  it("an artist's text is an artist message, a lead's is an envelope", () => {
    const out = translateSmsInbound(
      'twilio',
      number,
      '+15005550006',
      [
        ...item('+447700900001', 'Approve', 'SM1'),
        ...item('+15551239999', 'reject, not my style', 'SM2'),
        ...item('+15551230001', 'Hi, a rose please', 'SM3'),
      ],
      { now },
    );
    expect(out.envelopes.map((e) => e.event.type === 'message.received' && e.event.messageId)).toEqual([
      'SM3',
    ]);
    expect(out.artistMessages).toEqual([
      {
        studioId: 'inkwell',
        artistId: 'sam',
        channel: 'sms',
        messageId: 'twilio:SM1',
        sentAt: new Date('2026-12-02T12:00:00.000Z'),
        text: 'Approve',
      },
      expect.objectContaining({ artistId: 'kit', channel: 'sms', text: 'reject, not my style' }),
    ]);
    expect(out.rejected).toEqual(['artist', 'artist']);
  });

  it('a delivery status of a message to an artist names no lead', () => {
    const report = { provider: 'twilio' as const, messageId: 'SM9', status: 'delivered' as const };
    expect(translateSmsStatus(number, { ...report, to: '+15551239999' }, { now }).envelopes).toEqual([]);
    expect(translateSmsStatus(number, { ...report, to: '+15551230001' }, { now }).envelopes).toHaveLength(1);
  });
});
