// The channel policies: WhatsApp's 24-hour window, SMS quiet hours, numbered choices, carrier keywords,
// templates and segment-aware length. Pure; property tests state their invariant in their name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundSms,
  choiceForReply,
  MAX_SEGMENTS,
  renderChoices,
  renderSms,
  smsHelpText,
  smsKeyword,
  smsSegments,
  smsSendDecision,
  templateText,
  translateSmsInbound,
  type QuietHours,
} from '../../src/channels/sms/policy.ts';
import { policyFor } from '../../src/channels/policies.ts';
import { windowOpen, whatsappPolicy } from '../../src/channels/whatsapp/policy.ts';
import { localReading, minutesOf } from '../../src/domain/local-time.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';

const studio = new StudioRegistry(demoStudioConfig).byId('inkwell');
if (studio === undefined) throw new Error('demo studio missing');
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-23T00:00:00.000Z');
const smsStudio = (quietHours?: QuietHours) => ({
  timezone: 'Europe/London',
  sms: [{ provider: 'twilio' as const, number: '+15005550006' }],
  ...(quietHours ? { quietHours } : {}),
});
const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const instant = fc.integer({ min: T0, max: T0 + 400 * 24 * HOUR }).map((ms) => new Date(ms));

function quietAt(now: Date, quiet: QuietHours): boolean {
  const minute = localReading(now, 'Europe/London').minuteOfDay;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

describe('WhatsApp policy', () => {
  it('never allows free-form content outside the 24-hour window (or after a 131047)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 100 * HOUR }), { nil: null }),
        fc.integer({ min: 0, max: 100 * HOUR }),
        fc.boolean(),
        (inboundOffset, nowOffset, closed) => {
          const lastInboundAt = inboundOffset === null ? null : new Date(T0 + inboundOffset).toISOString();
          const at = new Date(T0 + nowOffset).toISOString();
          const open = whatsappPolicy.freeFormOpen({ lastInboundAt, closedByProvider: closed }, at, studio);
          const inside =
            lastInboundAt !== null &&
            !closed &&
            Date.parse(at) - Date.parse(lastInboundAt) < studio.timings.windowHours * HOUR;
          expect(open).toBe(inside);
          if (open && lastInboundAt !== null) {
            expect(Date.parse(at) - Date.parse(lastInboundAt)).toBeLessThan(24 * HOUR);
          }
        },
      ),
    );
  });

  it('reads Graph 131047 on a failed status as the window closing, nothing else', () => {
    const status = (code: number, value: 'failed' | 'delivered') => ({
      type: 'message.status' as const,
      at: new Date(T0).toISOString(),
      channel: 'whatsapp' as const,
      provider: 'meta' as const,
      messageId: 'wamid.x',
      status: value,
      sentAt: new Date(T0).toISOString(),
      errors: [{ code }],
    });
    expect(whatsappPolicy.closedByStatus(status(131047, 'failed'))).toBe(true);
    expect(whatsappPolicy.closedByStatus(status(131026, 'failed'))).toBe(false);
    expect(whatsappPolicy.closedByStatus(status(131047, 'delivered'))).toBe(false);
    expect(
      windowOpen({ lastInboundAt: null, closedByProvider: false }, new Date(T0).toISOString(), studio),
    ).toBe(false);
  });
});

describe('SMS policy: timing', () => {
  it('never sends a non-reply in quiet hours; defers it to their end, and a direct reply always goes', () => {
    fc.assert(
      fc.property(hhmm, hhmm, instant, (start, end, now) => {
        const quiet = { start, end };
        const decision = smsSendDecision({ studio: smsStudio(quiet), now });
        if (quietAt(now, quiet)) {
          expect(decision.kind).toBe('defer');
          if (decision.kind !== 'defer') return;
          const until = new Date(decision.until);
          expect(until.getTime()).toBeGreaterThan(now.getTime() - 60_000);
          expect(until.getTime() - now.getTime()).toBeLessThanOrEqual(24 * HOUR);
          // At the time it is deferred to, the same message may go (or is deferred again across a DST shift).
          const later = smsSendDecision({ studio: smsStudio(quiet), now: until });
          if (later.kind === 'send') expect(quietAt(until, quiet)).toBe(false);
        } else {
          expect(decision).toEqual({ kind: 'send' });
        }
        expect(smsSendDecision({ studio: smsStudio(quiet), now, inReplyTo: 'SM1' })).toEqual({
          kind: 'send',
        });
      }),
    );
  });

  it('quiet 21:00-09:00 London: a reminder at 23:30 waits until 09:00; none configured sends at once', () => {
    const now = new Date('2026-11-23T23:30:00.000Z'); // GMT in November
    expect(smsSendDecision({ studio: smsStudio({ start: '21:00', end: '09:00' }), now })).toEqual({
      kind: 'defer',
      until: '2026-11-24T09:00:00.000Z',
    });
    expect(smsSendDecision({ studio: smsStudio(), now })).toEqual({ kind: 'send' });
    expect(smsSendDecision({ studio: { timezone: 'Europe/London', sms: undefined }, now }).kind).toBe(
      'refuse',
    );
  });

  it('has no window: free-form content may always go out', () => {
    const sms = policyFor('sms');
    expect(
      sms.freeFormOpen({ lastInboundAt: null, closedByProvider: true }, new Date(T0).toISOString(), studio),
    ).toBe(true);
  });
});

describe('SMS policy: choices, keywords, templates, length', () => {
  const choices = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 20 }),
      title: fc.string({ minLength: 1, maxLength: 24 }).filter((t) => !t.includes('\n')),
    }),
    { minLength: 1, maxLength: 10, selector: (c) => c.id },
  );

  it('numbered choices round-trip: the number on each line reads back as that choice', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), choices, (body, options) => {
        const text = renderChoices(body, options);
        options.forEach((option, i) => {
          expect(text).toContain(`\n${i + 1}. ${option.title}`);
          expect(choiceForReply(String(i + 1), options)).toEqual(option);
          const translated = translateSmsInbound(
            { kind: 'text', text: ` ${i + 1} ` },
            { offeredChoices: options, optedOut: false },
          );
          expect(translated).toEqual({ kind: 'interactive', id: option.id, title: option.title });
        });
        expect(choiceForReply(String(options.length + 1), options)).toBeNull();
        expect(choiceForReply('0', options)).toBeNull();
      }),
    );
  });

  it('says how to answer: "Reply 1, 2 or 3"', () => {
    const text = renderChoices('Which style?', [
      { id: 'a', title: 'realism' },
      { id: 'b', title: 'blackwork' },
      { id: 'c', title: 'fine line' },
    ]);
    expect(text).toBe('Which style?\n\n1. realism\n2. blackwork\n3. fine line\n\nReply 1, 2 or 3');
  });

  it('carrier keywords: opt-out words become STOP, opt-in words START only when opted out, HELP is help', () => {
    const view = (optedOut: boolean) => ({ offeredChoices: [], optedOut });
    for (const word of ['STOP', 'stopall', 'Unsubscribe', 'CANCEL', 'end', 'QUIT.']) {
      expect(smsKeyword(word)).toBe('opt_out');
      expect(translateSmsInbound({ kind: 'text', text: word }, view(false))).toEqual({
        kind: 'text',
        text: 'STOP',
      });
    }
    for (const word of ['START', 'yes', 'UNSTOP']) {
      expect(smsKeyword(word)).toBe('opt_in');
      expect(translateSmsInbound({ kind: 'text', text: word }, view(true))).toEqual({
        kind: 'text',
        text: 'START',
      });
    }
    expect(translateSmsInbound({ kind: 'text', text: 'yes' }, view(false))).toEqual({
      kind: 'text',
      text: 'yes',
    });
    expect(smsKeyword('HELP')).toBe('help');
    expect(smsKeyword('info')).toBe('help');
    expect(smsKeyword('please stop by later')).toBeNull();
    expect(smsHelpText({ name: 'Inkwell Tattoo' })).toContain('Inkwell Tattoo');
    expect(smsHelpText({ name: 'Inkwell', helpText: 'Call us' })).toBe('Call us');
  });

  it('a template goes as its plain text: {{n}} filled from the params in order, never as its name', () => {
    const message = { kind: 'template' as const, name: 'birthday', language: 'en', params: ['Ann', '10%'] };
    const body = 'Happy birthday {{1}}! {{2}} off this week.';
    expect(templateText(message, body)).toBe('Happy birthday Ann! 10% off this week.');
    // Meta's spelling with spaces, a placeholder used twice, out of order.
    expect(templateText(message, '{{ 2 }} for {{1}}, yes {{1}}')).toBe('10% for Ann, yes Ann');
    const bodyOf = (name: string, language: string) =>
      name === 'birthday' && language === 'en' ? body : undefined;
    expect(renderSms(message, bodyOf)).toBe('Happy birthday Ann! 10% off this week.');
    // No body: nothing to send (null), not "birthday" nor "Ann 10%".
    expect(renderSms(message)).toBeNull();
    expect(renderSms({ ...message, language: 'de' }, bodyOf)).toBeNull();
  });

  it('a template with missing or empty params drops those placeholders and the space before them', () => {
    const body = 'Hi {{1}}, this is {{2}}. There is news about your {{3}} deposit.';
    expect(templateText({ params: ['Ann', 'Inkwell', '£50.00'] }, body)).toBe(
      'Hi Ann, this is Inkwell. There is news about your £50.00 deposit.',
    );
    expect(templateText({ params: [] }, body)).toBe('Hi, this is. There is news about your deposit.');
    expect(templateText({ params: ['', 'Inkwell'] }, body)).toBe(
      'Hi, this is Inkwell. There is news about your deposit.',
    );
    // Extra params are unused; a body without placeholders is sent as written.
    expect(templateText({ params: ['Ann', 'x', 'y', 'z'] }, 'Hello {{1}}')).toBe('Hello Ann');
    expect(templateText({ params: ['Ann'] }, 'Hello  there ,  friend')).toBe('Hello  there ,  friend');
  });

  it('a rendered template is bounded to MAX_SEGMENTS and never carries a placeholder', () => {
    const long = { kind: 'template' as const, name: 't', language: 'en', params: ['word '.repeat(600)] };
    const rendered = renderSms(long, () => 'Hi {{1}}, see you soon.');
    expect(rendered).not.toBeNull();
    expect(smsSegments(rendered ?? '').segments).toBe(MAX_SEGMENTS);
    expect(rendered?.endsWith('…')).toBe(true);
    // A UCS-2 parameter (an emoji name) makes the whole body UCS-2: 70 per segment, not 160.
    const emoji = renderSms({ ...long, params: ['Zoë 🐉'] }, () => 'Hi {{1}}, this is Inkwell Tattoo.');
    expect(emoji).toBe('Hi Zoë 🐉, this is Inkwell Tattoo.');
    expect(smsSegments(emoji ?? '').encoding).toBe('UCS-2');
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 400 }), { maxLength: 5 }),
        fc.array(fc.constantFrom('Hi ', '{{1}}', '{{2}}', '{{ 3 }}', ', ', 'news. ', '{{9}}'), {
          minLength: 1,
          maxLength: 30,
        }),
        (params, parts) => {
          const text = renderSms({ kind: 'template', name: 't', language: 'en', params }, () =>
            parts.join(''),
          );
          if (text === null) return;
          expect(smsSegments(text).segments).toBeLessThanOrEqual(MAX_SEGMENTS);
          if (!params.some((p) => /\{\{/.test(p))) expect(text).not.toMatch(/\{\{\s*\d+\s*\}\}/);
        },
      ),
    );
  });

  it('segments: GSM-7 160 / 153 per part, UCS-2 70 / 67; long text bounded to MAX_SEGMENTS at a word', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSegments('€'.repeat(80)).units).toBe(160);
    expect(smsSegments('é'.repeat(70))).toEqual({ encoding: 'GSM-7', units: 70, segments: 1 });
    expect(smsSegments('ł'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('ł'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), (text) => {
        const bounded = boundSms(text);
        expect(smsSegments(bounded).segments).toBeLessThanOrEqual(MAX_SEGMENTS);
        if (smsSegments(text).segments <= MAX_SEGMENTS) expect(bounded).toBe(text);
        else expect(bounded.endsWith('…')).toBe(true);
      }),
    );
  });
});
