// The pure half of Twilio's webhooks: the signature (with Twilio's published test vector), the form body,
// inbound messages and status callbacks.
import { describe, expect, it } from 'vitest';
import { parseForm } from '../../src/gateway/webhooks/form-body.ts';
import {
  checkTwilioSignature,
  signTwilioRequest,
  twilioSignedUrl,
} from '../../src/gateway/webhooks/twilio-signature.ts';
import { parseTwilioInbound } from '../../src/gateway/webhooks/twilio-inbound.ts';
import { parseTwilioStatus } from '../../src/gateway/webhooks/twilio-status.ts';

const SID = 'SM0123456789abcdef0123456789abcdef';
const now = new Date('2026-12-02T12:00:00Z');

describe('X-Twilio-Signature', () => {
  // TwilioDevEd/api-snippets security/signature_validation: token 12345, this URL and these params.
  const vector = {
    token: '12345',
    url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
    params: {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    },
    signature: 'GvWf1cFY/Q7PnoempGyD5oXAezc=',
  };

  it("accepts Twilio's published test vector", () => {
    expect(checkTwilioSignature(vector.token, vector.url, vector.params, vector.signature)).toBe('valid');
    expect(signTwilioRequest(vector.token, vector.url, vector.params)).toBe(vector.signature);
  });

  it('accepts the URL signed with the default port (Twilio signs either form)', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    const signature = signTwilioRequest(vector.token, withPort, vector.params);
    expect(checkTwilioSignature(vector.token, vector.url, vector.params, signature)).toBe('valid');
  });

  it.each([
    ['another token', { token: '54321' }],
    ['a changed parameter', { params: { ...vector.params, Digits: '1235' } }],
    ['an added parameter', { params: { ...vector.params, Extra: 'x' } }],
    ['another query', { url: 'https://mycompany.com/myapp.php?foo=1&bar=3' }],
  ])('refuses %s', (_name, change) => {
    const v = { ...vector, ...change };
    expect(checkTwilioSignature(v.token, v.url, v.params, vector.signature)).toBe('mismatch');
  });

  it('reports a missing header and a missing token or base URL', () => {
    expect(checkTwilioSignature('t', 'https://x.example/a', {}, undefined)).toBe('missing');
    expect(checkTwilioSignature('t', 'https://x.example/a', {}, ' ')).toBe('missing');
    expect(checkTwilioSignature(undefined, 'https://x.example/a', {}, 'sig')).toBe('not_configured');
    expect(checkTwilioSignature('t', undefined, {}, 'sig')).toBe('not_configured');
  });

  it('signs over every value of a repeated parameter', () => {
    const url = twilioSignedUrl('https://leadline.example/', '/webhooks/twilio/sms?x=1');
    expect(url).toBe('https://leadline.example/webhooks/twilio/sms?x=1');
    const params = parseForm('A=1&A=2&B=3');
    const signature = signTwilioRequest('t', url, params);
    expect(checkTwilioSignature('t', url, params, signature)).toBe('valid');
    expect(checkTwilioSignature('t', url, { A: '1', B: '3' }, signature)).toBe('mismatch');
  });
});

describe('parseForm', () => {
  it('keeps every name and value as sent, repeated names as arrays', () => {
    expect(parseForm('Body=Hi+there%21&From=%2B15005550006&A=1&A=2&Empty=')).toEqual({
      Body: 'Hi there!',
      From: '+15005550006',
      A: ['1', '2'],
      Empty: '',
    });
  });
});

describe('inbound message', () => {
  const base = {
    MessageSid: SID,
    AccountSid: 'AC' + '0'.repeat(32),
    From: '+15551230001',
    To: '+15005550006',
  };

  it('maps a text message to channel-neutral content and a transcript entry', () => {
    const result = parseTwilioInbound({ ...base, Body: 'Hello', NumMedia: '0', SmsStatus: 'received' }, now);
    expect(result).toEqual({
      ok: true,
      to: '+15005550006',
      from: '+15551230001',
      messageSid: SID,
      items: [
        {
          provider: 'twilio',
          messageId: SID,
          from: '+15551230001',
          to: '+15005550006',
          sentAt: now.toISOString(),
          content: { kind: 'text', text: 'Hello' },
          transcript: { direction: 'in', kind: 'text', text: 'Hello', providerMessageId: SID },
        },
      ],
    });
  });

  it('maps MMS media: the text is the first image’s caption, each medium one item', () => {
    const result = parseTwilioInbound(
      {
        ...base,
        Body: 'like this',
        NumMedia: '2',
        MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1',
        MediaContentType0: 'image/jpeg',
        MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME2',
        MediaContentType1: 'image/png',
      },
      now,
    );
    if (!result.ok) throw new Error('expected ok');
    expect(result.items.map((i) => [i.messageId, i.content])).toEqual([
      [
        SID,
        {
          kind: 'image',
          mediaId: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1',
          mimeType: 'image/jpeg',
          caption: 'like this',
        },
      ],
      [
        `${SID}:media1`,
        {
          kind: 'image',
          mediaId: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME2',
          mimeType: 'image/png',
        },
      ],
    ]);
  });

  it('sanitises hostile text and flags a truncation', () => {
    const result = parseTwilioInbound({ ...base, Body: 'a\u0000b\ud800' + 'x'.repeat(20_000) }, now);
    if (!result.ok) throw new Error('expected ok');
    const [item] = result.items;
    expect(item?.content).toMatchObject({ kind: 'text' });
    const text = item?.content.kind === 'text' ? item.content.text : '';
    expect(text.startsWith('ab\ufffd')).toBe(true);
    expect(text.length).toBe(10_000);
    expect(item?.transcript.data).toEqual({ truncated: true });
  });

  it.each([
    ['no MessageSid', { ...base, MessageSid: undefined }],
    ['a malformed MessageSid', { ...base, MessageSid: 'SM1' }],
    ['no To', { ...base, To: undefined }],
  ])('refuses %s', (_name, params) => {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    expect(parseTwilioInbound(clean, now)).toMatchObject({ ok: false, reason: 'invalid_message' });
  });

  it.each([
    ['a From that is not E.164', 'whatsapp:+1555'],
    ['a short code', '12345'],
    ['an alphanumeric sender id', 'VERIFY'],
    ['no From', undefined],
  ])('%s in an otherwise good message is invalid_sender, with the raw sender', (_name, from) => {
    const params = Object.fromEntries(
      Object.entries({ ...base, From: from }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    expect(parseTwilioInbound(params, now)).toEqual({
      ok: false,
      reason: 'invalid_sender',
      sender: { messageId: base.MessageSid, to: base.To, from },
    });
  });
});

describe('status callback', () => {
  it.each([
    ['queued', 'queued'],
    ['sending', 'queued'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
  ])('MessageStatus %s → %s', (raw, status) => {
    expect(parseTwilioStatus({ MessageSid: SID, MessageStatus: raw, To: '+15551230001' })).toEqual({
      ok: true,
      value: { messageSid: SID, status, to: '+15551230001' },
    });
  });

  it('keeps the ErrorCode of a failure', () => {
    expect(parseTwilioStatus({ MessageSid: SID, MessageStatus: 'undelivered', ErrorCode: '30007' })).toEqual({
      ok: true,
      value: { messageSid: SID, status: 'undelivered', errorCode: 30007 },
    });
  });

  it('ignores inbound statuses and refuses unknown ones', () => {
    expect(parseTwilioStatus({ MessageSid: SID, MessageStatus: 'received' })).toMatchObject({
      ok: false,
      reason: 'ignored',
    });
    expect(parseTwilioStatus({ MessageSid: SID, MessageStatus: 'exploded' })).toMatchObject({
      ok: false,
      reason: 'invalid_status',
    });
    expect(parseTwilioStatus({ MessageStatus: 'sent' })).toMatchObject({
      ok: false,
      reason: 'invalid_status',
    });
  });
});
