import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  detectIntent,
  isNoneAnswer,
  looksLikeBundle,
  matchStyle,
  parseDimensions,
  parseMoney,
  parseSlotChoice,
} from '../../src/machines/parsers/index.ts';

const styles = ['realism', 'blackwork', 'neo-traditional', 'fine line'];

// Arbitrary text: full unicode, text built from the characters the parsers look for, and long pastes.
const interesting = fc.constantFrom(...'0123456789 x×*.,-£$€"\'cmin by kstop human none #'.split(''));
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: interesting, maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ unit: interesting, minLength: 10_000, maxLength: 10_000 }),
);

function checkAll(input: string): void {
  const dimensions = parseDimensions(input);
  if (dimensions !== null) {
    expect(dimensions.widthCm).toBeGreaterThan(0);
    expect(dimensions.widthCm).toBeLessThanOrEqual(300);
    expect(dimensions.heightCm).toBeGreaterThan(0);
    expect(dimensions.heightCm).toBeLessThanOrEqual(300);
  }
  const money = parseMoney(input, 'GBP');
  if (money !== null) {
    expect(Number.isSafeInteger(money.amountMinor) && money.amountMinor > 0).toBe(true);
    if (money.maxAmountMinor !== undefined) expect(money.maxAmountMinor).toBeGreaterThan(money.amountMinor);
    expect(money.currency).toMatch(/^[A-Z]{3}$/);
  }
  const style = matchStyle(input, styles);
  expect(style === null || styles.includes(style)).toBe(true);
  expect([null, 'handover', 'restart', 'opt_out', 'opt_in']).toContain(detectIntent(input));
  expect(typeof isNoneAnswer(input)).toBe('boolean');
  const slot = parseSlotChoice(input, 3);
  expect(slot === null || [1, 2, 3].includes(slot)).toBe(true);
  expect(typeof looksLikeBundle(input, { styles })).toBe('boolean');
}

describe('parser totality', () => {
  test.prop([text], { numRuns: 150 })(
    'no parser throws on any string, and each returns its declared shape',
    (input) => {
      checkAll(input);
    },
  );

  it('bounds work on a 10,000-character message of near-matches', () => {
    const inputs = [
      '1x'.repeat(5000),
      '1'.repeat(10_000),
      'realis '.repeat(1500),
      '£1,'.repeat(3300),
      '🐉'.repeat(5000),
    ];
    const started = performance.now();
    for (const input of inputs) checkAll(input);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
