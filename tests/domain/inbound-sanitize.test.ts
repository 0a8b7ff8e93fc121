import { describe, expect, it } from 'vitest';
import { envelopeSchema, type Envelope } from '../../src/domain/envelope.ts';
import { sanitizeEnvelope } from '../../src/domain/inbound-sanitize.ts';
import { messageReceivedEventSchema } from '../../src/domain/lead-events.ts';
import { FIELD_LIMITS } from '../../src/domain/sanitize.ts';

const at = '2026-01-01T10:00:00.000Z';
const HOSTILE = 'a\u0000b\u0007c\ud800d\u200f\ufeff';
const CLEAN = 'abc\ufffdd\u200f\ufeff';

function envelope(event: Record<string, unknown>, transcriptText: string | null = null): Envelope {
  return {
    id: 'whatsapp:wamid.1',
    leadId: 'ld_1',
    actorType: 'lead',
    studioId: 'inkwell',
    acceptedAt: at,
    event: { type: 'x', at, ...event },
    transcript: { direction: 'in', kind: 'text', text: transcriptText, providerMessageId: 'wamid.1' },
  };
}

describe('sanitizeEnvelope', () => {
  it('message.received: each sender field cleaned and bounded, the cut fields named on event and transcript', () => {
    const long = 'x'.repeat(100_000);
    const out = sanitizeEnvelope(
      envelope(
        {
          type: 'message.received',
          channel: 'whatsapp',
          provider: 'meta',
          messageId: 'wamid.1',
          from: [{ type: 'phone', value: '+447700900123' }],
          profileName: `${HOSTILE}${long}`,
          sentAt: at,
          content: { kind: 'text', text: `${HOSTILE}${long}` },
        },
        `${HOSTILE}${long}`,
      ),
    );
    const event = messageReceivedEventSchema.parse(out.event);
    expect(event.profileName).toHaveLength(FIELD_LIMITS.name);
    expect(event.profileName?.startsWith(CLEAN)).toBe(true);
    expect(event.content).toEqual({ kind: 'text', text: expect.stringMatching(/^abc\ufffdd/) as unknown });
    expect(event.content.kind === 'text' && event.content.text.length).toBe(FIELD_LIMITS.text);
    expect(event.truncated).toEqual(['profileName', 'text']);
    expect(out.transcript?.text).toHaveLength(FIELD_LIMITS.text);
    expect(out.transcript?.data).toEqual({ truncated: true, truncatedFields: ['profileName', 'text'] });
    expect(envelopeSchema.safeParse(out).success).toBe(true);
  });

  it('media: caption, filename, media id bounded; the storable text is the same as for clean input', () => {
    const out = sanitizeEnvelope(
      envelope({
        type: 'message.received',
        channel: 'whatsapp',
        provider: 'meta',
        messageId: 'wamid.1',
        from: [{ type: 'phone', value: '+447700900123' }],
        profileName: HOSTILE,
        sentAt: at,
        content: {
          kind: 'document',
          mediaId: `m${'1'.repeat(300)}`,
          caption: `${HOSTILE}${'c'.repeat(2_000)}`,
          filename: `${HOSTILE}.pdf`,
        },
      }),
    );
    const event = messageReceivedEventSchema.parse(out.event);
    expect(event.profileName).toBe(CLEAN);
    expect(event.content).toMatchObject({ filename: `${CLEAN}.pdf` });
    const content = event.content.kind === 'document' ? event.content : undefined;
    expect(content?.mediaId).toHaveLength(FIELD_LIMITS.id);
    expect(content?.caption).toHaveLength(FIELD_LIMITS.caption);
    expect(out.transcript?.data).toEqual({ truncated: true, truncatedFields: ['caption', 'mediaId'] });
  });

  it('contacts, location and interactive replies are bounded too; an untouched message carries no flag', () => {
    const contacts = sanitizeEnvelope(
      envelope({ type: 'message.received', content: { kind: 'contacts', names: Array(80).fill(HOSTILE) } }),
    );
    expect(contacts.event['content']).toEqual({ kind: 'contacts', names: Array(50).fill(CLEAN) });
    const location = sanitizeEnvelope(
      envelope({
        type: 'message.received',
        content: { kind: 'location', latitude: 1, longitude: 2, name: HOSTILE, address: 'y'.repeat(5_000) },
      }),
    );
    expect(location.event['content']).toMatchObject({ name: CLEAN, address: 'y'.repeat(FIELD_LIMITS.short) });
    expect(location.event['truncated']).toEqual(['address']);
    const plain = sanitizeEnvelope(
      envelope(
        { type: 'message.received', content: { kind: 'interactive', id: 'style_1', title: 'Fine line' } },
        'Fine line',
      ),
    );
    expect(plain.event['truncated']).toBeUndefined();
    expect(plain.transcript).toEqual({
      direction: 'in',
      kind: 'text',
      text: 'Fine line',
      providerMessageId: 'wamid.1',
    });
  });

  it('a provider timestamp outside what an ISO datetime holds becomes the acceptance time', () => {
    const sentAt = new Date(999_999_999_999 * 1000).toISOString();
    const out = sanitizeEnvelope(
      envelope({
        type: 'message.received',
        messageId: 'w',
        from: [{ type: 'phone', value: '+4477' }],
        sentAt,
        content: { kind: 'text', text: 'hi' },
      }),
    );
    expect(out.event['sentAt']).toBe(at);
    expect(envelopeSchema.safeParse(out).success).toBe(true);
  });

  it('every other event (control, Stripe, system) goes through sanitizeJson', () => {
    const out = sanitizeEnvelope(
      envelope({ type: 'artist.reject', reason: HOSTILE, nested: { [HOSTILE]: [HOSTILE] } }),
    );
    expect(out.event).toEqual({ type: 'artist.reject', at, reason: CLEAN, nested: { [CLEAN]: [CLEAN] } });
    expect(JSON.stringify(out)).not.toMatch(/\\u0000|\\ud800/);
  });
});
