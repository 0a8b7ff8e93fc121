// The lead machine on any channel: replies go out on the channel of the lead's latest inbound message, to
// the address that message brought, as direct replies to it; anything else (reminders, admin messages) is
// not a reply; a carrier opt-out refused by the provider moves the lead to OPTED_OUT without a word.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.ts';
import type { InboundContent, LeadEvent } from '../../src/domain/lead-events.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import { smsHelpText } from '../../src/channels/sms/policy.ts';
import { leadEventFor } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { HOUR, LEAD_PHONE, LeadDriver } from './lead-driver.ts';

const SMS_NUMBER = '+15005550006';

function smsEvent(d: LeadDriver, messageId: string, content: InboundContent): LeadEvent {
  return {
    type: 'message.received',
    at: d.at,
    channel: 'sms',
    provider: 'twilio',
    messageId,
    from: [{ type: 'phone', value: LEAD_PHONE }],
    to: SMS_NUMBER,
    sentAt: d.at,
    content,
  };
}

function sms(d: LeadDriver, messageId: string, content: InboundContent): Effect[] {
  return d.send(smsEvent(d, messageId, content));
}

const sends = (effects: readonly Effect[]) =>
  effects.filter(
    (e): e is Extract<Effect, { type: 'effect.message.send' }> => e.type === 'effect.message.send',
  );

describe('channel-neutral lead machine', () => {
  it('answers on WhatsApp from the number the lead wrote to, as a reply to that message', () => {
    const d = new LeadDriver();
    const [reply] = sends(d.text('hi'));
    expect(reply).toMatchObject({
      channel: 'whatsapp',
      to: LEAD_PHONE,
      inReplyTo: 'wamid.1',
    });
    expect(d.context).toMatchObject({ channel: 'whatsapp', replyTo: { to: LEAD_PHONE } });
  });

  it('a lead who switches to SMS gets the next question by SMS from the studio number they texted', () => {
    const d = new LeadDriver();
    d.text('hi');
    d.text('A fox on a branch');
    const [reply, ...rest] = sends(sms(d, 'SM1', { kind: 'text', text: 'left forearm' }));
    expect(rest).toEqual([]);
    expect(reply).toMatchObject({
      channel: 'sms',
      to: LEAD_PHONE,
      from: SMS_NUMBER,
      inReplyTo: 'SM1',
      message: { kind: 'text', text: 'Roughly how big? For example 10x15cm.' },
    });
    expect(d.context.answers).toMatchObject({ placement: 'left forearm' });
    expect(d.context.channel).toBe('sms');
  });

  it('reminders and admin messages are not direct replies', () => {
    const d = new LeadDriver();
    d.text('hi');
    d.wait(13 * HOUR); // reminderAfter: 12h
    const reminder = sends(d.allEffects).at(-1);
    expect(reminder?.message).toMatchObject({
      kind: 'text',
      text: expect.stringContaining('Just checking in') as unknown,
    });
    expect(reminder?.inReplyTo).toBeUndefined();
    const [admin] = sends(d.control({ type: 'message.send', text: 'Hello from the studio' }));
    expect(admin).toMatchObject({ channel: 'whatsapp', to: LEAD_PHONE });
    expect(admin?.inReplyTo).toBeUndefined();
  });

  it('SMS has no 24-hour window: free-form content goes out a day after the last message', () => {
    const d = new LeadDriver();
    sms(d, 'SM1', { kind: 'text', text: 'hi' });
    d.advance(30 * HOUR);
    const [admin] = sends(d.control({ type: 'message.send', text: 'Still there?' }));
    expect(admin).toMatchObject({ channel: 'sms', message: { kind: 'text', text: 'Still there?' } });
  });

  it('a send refused because the recipient opted out: OPTED_OUT, a system event, nothing sent', () => {
    const d = new LeadDriver();
    sms(d, 'SM1', { kind: 'text', text: 'hi' });
    const effects = d.send({
      type: 'message.send_failed',
      at: d.at,
      outboxId: 'ob-1',
      channel: 'sms',
      code: 21610,
      reason: 'Attempt to send to unsubscribed recipient',
      outsideWindow: false,
      recipientOptedOut: true,
    });
    expect(d.status).toBe('OPTED_OUT');
    expect(sends(effects)).toEqual([]);
    expect(effects).toContainEqual(
      expect.objectContaining({ type: 'effect.system_event', eventType: 'sms.recipient_opted_out' }),
    );
    expect(d.context.timers).toEqual({});
    const [welcome] = sends(sms(d, 'SM2', { kind: 'text', text: 'START' }));
    expect(d.status).toBe('QUALIFYING');
    expect(welcome).toMatchObject({ channel: 'sms', inReplyTo: 'SM2' });
  });

  it('an SMS "2" is read as the second choice last offered (the SMS policy translates it first)', () => {
    const d = new LeadDriver();
    for (const body of ['hi', 'A fox', 'forearm', '10x15cm']) d.text(body);
    const offered = d.context.offeredChoices;
    expect(offered.length).toBeGreaterThan(1);
    const envelope = (channel: 'sms' | 'whatsapp'): Envelope => ({
      id: 'x',
      leadId: 'ld_x',
      actorType: 'lead',
      studioId: 'inkwell',
      acceptedAt: d.at,
      event: {
        type: 'message.received',
        at: d.at,
        channel,
        provider: channel === 'sms' ? 'twilio' : 'meta',
        messageId: 'SM9',
        from: [{ type: 'phone', value: LEAD_PHONE }],
        sentAt: d.at,
        content: { kind: 'text', text: '2' },
      },
    });
    const event = leadEventFor(envelope('sms'), d.snapshot) as LeadEvent;
    expect(event).toMatchObject({ content: { kind: 'interactive', id: offered[1]?.id } });
    // WhatsApp has buttons: a "2" stays text there.
    expect(leadEventFor(envelope('whatsapp'), d.snapshot)).toMatchObject({
      content: { kind: 'text', text: '2' },
    });
    d.send(event);
    expect(d.context.answers.style).toBe(offered[1]?.title);
  });

  describe("SMS HELP/INFO: the studio's help text, and nothing else changes", () => {
    const studio = demoStudioConfig.studios[0]!;
    const helpEnvelope = (d: LeadDriver, text: string, messageId = 'SMhelp'): Envelope => ({
      id: `twilio:${messageId}`,
      leadId: 'ld_x',
      actorType: 'lead',
      studioId: 'inkwell',
      acceptedAt: d.at,
      event: smsEvent(d, messageId, { kind: 'text', text }),
    });

    it.each(['HELP', 'info', ' Help! '])(
      '"%s" mid-conversation is answered, step and answers unchanged',
      (word) => {
        const d = new LeadDriver();
        for (const body of ['hi', 'A fox']) d.text(body);
        const before = { status: d.status, context: d.context };
        const event = leadEventFor(helpEnvelope(d, word), d.snapshot, studio) as LeadEvent;
        expect(event.type).toBe('message.answered_by_channel');
        const effects = d.send(event);
        expect(effects).toEqual([
          expect.objectContaining({
            type: 'effect.message.send',
            channel: 'sms',
            to: LEAD_PHONE,
            from: SMS_NUMBER,
            inReplyTo: 'SMhelp',
            message: { kind: 'text', text: smsHelpText(studio) },
          }),
        ]);
        expect(d.status).toBe(before.status);
        // Not an answer, not a repair, no timer touched: the context is exactly as it was.
        expect(d.context).toEqual(before.context);
        // The next message answers the current question as if HELP never came.
        const [next] = sends(sms(d, 'SM2', { kind: 'text', text: 'left forearm' }));
        expect(next?.message).toEqual({ kind: 'text', text: 'Roughly how big? For example 10x15cm.' });
      },
    );

    it("the studio's own helpText when it has one; WhatsApp gets nothing; an opted-out lead gets the help text only and stays opted out", () => {
      const custom = { ...studio, helpText: 'Inkwell: call 020 7946 0000. STOP to opt out.' };
      const d = new LeadDriver();
      d.text('hi');
      const event = leadEventFor(helpEnvelope(d, 'HELP'), d.snapshot, custom) as LeadEvent;
      expect(event).toMatchObject({ answer: custom.helpText });
      const whatsapp = helpEnvelope(d, 'HELP');
      whatsapp.event = { ...whatsapp.event, channel: 'whatsapp', provider: 'meta' };
      expect(leadEventFor(whatsapp, d.snapshot, studio)).toMatchObject({ type: 'message.received' });

      d.text('STOP');
      expect(d.status).toBe('OPTED_OUT');
      const before = d.context;
      // Carriers (CTIA) expect HELP answered always: the help text only, as a direct reply.
      const optedOut = leadEventFor(helpEnvelope(d, 'HELP', 'SMhelp2'), d.snapshot, studio) as LeadEvent;
      expect(d.send(optedOut)).toEqual([
        expect.objectContaining({
          type: 'effect.message.send',
          channel: 'sms',
          to: LEAD_PHONE,
          from: SMS_NUMBER,
          inReplyTo: 'SMhelp2',
          message: { kind: 'text', text: smsHelpText(studio) },
        }),
      ]);
      expect(d.status).toBe('OPTED_OUT');
      expect(d.context).toEqual(before);
      // Still opted out: an ordinary message gets nothing.
      expect(sends(sms(d, 'SM3', { kind: 'text', text: 'Are you there?' }))).toEqual([]);
      expect(d.status).toBe('OPTED_OUT');
    });
  });
});
