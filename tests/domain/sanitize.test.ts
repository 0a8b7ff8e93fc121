import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { outboundMessageSchema } from '../../src/domain/effects.ts';
import { FIELD_LIMITS, fitText, sanitizeField, sanitizeJson } from '../../src/domain/sanitize.ts';

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (s: string) => !LONE.test(s);
const storable = (s: string) => !/[\u0000-\u0008\u000B-\u001F\u007F]/.test(s) && wellFormed(s);

describe('sanitizeField', () => {
  it('removes NUL and other C0 controls but keeps tab, newline, RTL marks, BOM and emoji', () => {
    const r = sanitizeField('a\u0000b\u0007c\td\ne\u200f\ufeff👋🏽\r', 'text');
    expect(r).toEqual({ value: 'abc\td\ne\u200f\ufeff👋🏽', truncated: false, changed: true });
  });

  it('replaces lone surrogates with U+FFFD and keeps pairs', () => {
    expect(sanitizeField('x\ud800y\udc00z😀').value).toBe('x\ufffdy\ufffdz😀');
  });

  it('bounds the length and flags the cut without splitting a surrogate pair', () => {
    const long = 'a'.repeat(FIELD_LIMITS.name - 1) + '😀😀';
    const r = sanitizeField(long, 'name');
    expect(r.truncated).toBe(true);
    expect(r.value).toBe('a'.repeat(FIELD_LIMITS.name - 1));
    expect(wellFormed(r.value)).toBe(true);
  });

  test.prop([
    fc.string({ unit: 'binary' }),
    fc.constantFrom(...(Object.keys(FIELD_LIMITS) as (keyof typeof FIELD_LIMITS)[])),
  ])('any string comes out storable, bounded, and unchanged when it already was', (input, kind) => {
    const r = sanitizeField(input, kind);
    expect(storable(r.value)).toBe(true);
    expect(r.value.length).toBeLessThanOrEqual(FIELD_LIMITS[kind]);
    if (storable(input) && input.length <= FIELD_LIMITS[kind]) expect(r.value).toBe(input);
  });
});

describe('sanitizeJson', () => {
  it('cleans keys and values at every depth and bounds the nesting', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { k: deep };
    const out = JSON.stringify(sanitizeJson({ 'a\u0000': ['\ud800'], deep }));
    expect(out).toContain('"a":["\ufffd"]');
    expect(out).toContain('nested too deep');
  });
});

describe('fitText', () => {
  test.prop([fc.string({ unit: 'binary', maxLength: 6_000 }), fc.integer({ min: 2, max: 5_000 })])(
    'never longer than the limit, never splits a pair, keeps text that fits',
    (input, limit) => {
      const clean = sanitizeField(input, 'text').value;
      const out = fitText(clean, limit);
      expect(out.length).toBeLessThanOrEqual(limit);
      expect(wellFormed(out)).toBe(true);
      if (clean.length <= limit) expect(out).toBe(clean);
      else expect(out.endsWith('…')).toBe(true);
    },
  );

  it('a summary quoting a 10,000-character answer is still a sendable text message', () => {
    const message = { kind: 'text', text: fitText(`Summary:\n• Idea: ${'👋🏽'.repeat(2_500)}`) };
    expect(outboundMessageSchema.safeParse(message).success).toBe(true);
  });
});
