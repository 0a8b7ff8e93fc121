import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../src/machines/parsers/index.ts';

describe('parseMoney', () => {
  it.each([
    ['£300', 30000, undefined, 'GBP'],
    ['300 GBP', 30000, undefined, 'GBP'],
    ['300gbp', 30000, undefined, 'GBP'],
    ['300 pounds', 30000, undefined, 'GBP'],
    ['300 quid', 30000, undefined, 'GBP'],
    ['$250-400', 25000, 40000, 'USD'],
    ['£250 - £400', 25000, 40000, 'GBP'],
    ['between 200 and 300 quid', 20000, 30000, 'GBP'],
    ['250 to 400', 25000, 40000, 'GBP'],
    ['around 500 euros', 50000, undefined, 'EUR'],
    ['€1,200', 120000, undefined, 'EUR'],
    ['1.200,50 €', 120050, undefined, 'EUR'],
    ['£99.99', 9999, undefined, 'GBP'],
    ['300', 30000, undefined, 'GBP'],
    ['£300 max', 30000, undefined, 'GBP'],
    ['max 300', 30000, undefined, 'GBP'],
    ['1k', 100000, undefined, 'GBP'],
    ['up to 1000 usd', 100000, undefined, 'USD'],
    ['¥50000', 50000, undefined, 'JPY'],
    ['¥200,000', 200000, undefined, 'JPY'],
    ['about £1000, 10x15cm', 100000, undefined, 'GBP'],
    ['300 for a rose', 30000, undefined, 'GBP'],
    ['1 000 €', 100000, undefined, 'EUR'],
    ['$300 CAD', 30000, undefined, 'CAD'],
    ['300/400', 30000, 40000, 'GBP'],
  ])('%s → %s..%s %s', (text, amountMinor, maxAmountMinor, currency) => {
    const expected =
      maxAmountMinor === undefined ? { amountMinor, currency } : { amountMinor, maxAmountMinor, currency };
    expect(parseMoney(text, 'GBP')).toEqual(expected);
  });

  it('uses the studio currency for a bare amount and for "$" when the studio is in dollars', () => {
    expect(parseMoney('300', 'eur')).toEqual({ amountMinor: 30000, currency: 'EUR' });
    expect(parseMoney('$300', 'AUD')).toEqual({ amountMinor: 30000, currency: 'AUD' });
    expect(parseMoney('$300', 'GBP')).toEqual({ amountMinor: 30000, currency: 'USD' });
  });

  it.each([
    '',
    'not sure',
    '300k',
    '£0',
    '£2,000,000',
    '10x15cm',
    '10 by 15',
    'at 2pm',
    '$400-250',
    '$300 EUR',
  ])('rejects %j', (text) => {
    expect(parseMoney(text, 'GBP')).toBeNull();
  });

  const withThousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const notation = fc.constantFrom(
    (n: number) => [`£${n}`, 'GBP'] as const,
    (n: number) => [`${n} GBP`, 'GBP'] as const,
    (n: number) => [`${n} pounds`, 'GBP'] as const,
    (n: number) => [`around ${n} euros`, 'EUR'] as const,
    (n: number) => [`€${withThousands(n)}`, 'EUR'] as const,
    (n: number) => [`${withThousands(n)} USD`, 'USD'] as const,
    (n: number) => [`${withThousands(n).replace(/,/g, ' ')} €`, 'EUR'] as const,
    (n: number) => [`$${n} CAD`, 'CAD'] as const,
    (n: number) => [String(n), 'NZD'] as const,
  );

  test.prop([fc.integer({ min: 1, max: 100_000 }), notation], { numRuns: 200 })(
    'a whole amount in any supported notation parses back to the same minor units',
    (amount, format) => {
      const [text, currency] = format(amount);
      expect(parseMoney(text, 'NZD')).toEqual({ amountMinor: amount * 100, currency });
    },
  );

  test.prop([fc.integer({ min: 100, max: 9_999_999 })], { numRuns: 100 })(
    'pounds and pence round-trip exactly',
    (minor) => {
      const text = `£${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
      expect(parseMoney(text, 'GBP')).toEqual({ amountMinor: minor, currency: 'GBP' });
    },
  );

  test.prop([fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 1, max: 50_000 })], { numRuns: 100 })(
    'a range keeps both ends',
    (low, extra) => {
      expect(parseMoney(`$${low}-${low + extra}`, 'USD')).toEqual({
        amountMinor: low * 100,
        maxAmountMinor: (low + extra) * 100,
        currency: 'USD',
      });
    },
  );
});
