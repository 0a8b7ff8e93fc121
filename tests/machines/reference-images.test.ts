import { describe, expect, it } from 'vitest';
import { isNoReferences, NO_REFERENCES } from '../../src/machines/lead/lead-context.ts';
import { formatAnswer } from '../../src/machines/lead/summary.ts';

describe('reference_images answers: one object shape', () => {
  it('"none" is the object with none: true and reads back as none', () => {
    expect(NO_REFERENCES).toEqual({ mediaIds: [], description: null, none: true });
    expect(formatAnswer('reference_images', NO_REFERENCES)).toBe('none');
  });

  it('photos and descriptions read back as such', () => {
    const value = { mediaIds: ['m1', 'm2'], description: 'a pocket watch', none: false };
    expect(isNoReferences(value)).toBe(false);
    expect(formatAnswer('reference_images', value)).toBe('2 photos, "a pocket watch"');
  });

  it('the legacy string "none" of older snapshots still reads as none', () => {
    expect(isNoReferences('none')).toBe(true);
    expect(formatAnswer('reference_images', 'none' as never)).toBe('none');
  });
});
