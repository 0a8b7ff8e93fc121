import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/machines/parsers/index.ts';

describe('parseDimensions', () => {
  it.each([
    ['10x15cm', 10, 15],
    ['10 x 15 cm', 10, 15],
    ['10X15 CM', 10, 15],
    ['10×15', 10, 15],
    ['4x6in', 10.16, 15.24],
    ['4 x 6 inches', 10.16, 15.24],
    ['4"x6"', 10.16, 15.24],
    ['4”x6”', 10.16, 15.24],
    ['100x150mm', 10, 15],
    ['10cm by 15cm', 10, 15],
    ['10 by 15 cm', 10, 15],
    ['10cm wide by 15cm tall', 10, 15],
    ['about 10x15', 10, 15],
    ['roughly 10x15cm I think', 10, 15],
    ['7.5x10cm', 7.5, 10],
    ['7,5 x 10 cm', 7.5, 10],
    ['20 * 30', 20, 30],
  ])('%s → %s x %s cm', (text, widthCm, heightCm) => {
    expect(parseDimensions(text)).toEqual({ widthCm, heightCm });
  });

  it.each([
    '',
    'about 15cm tall',
    'small',
    '0x15cm',
    '10x0',
    '400x10cm',
    '1x1mm',
    '10x15m',
    '£300',
    'a rose on my forearm',
    'call me at 10:15',
    '2x',
  ])('rejects %j', (text) => {
    expect(parseDimensions(text)).toBeNull();
  });

  const side = fc.integer({ min: 5, max: 3000 }).map((tenths) => tenths / 10);
  const notation = fc.constantFrom(
    (w: string, h: string) => `${w}x${h}cm`,
    (w: string, h: string) => `${w} x ${h} cm`,
    (w: string, h: string) => `${w}×${h}`,
    (w: string, h: string) => `${w}cm by ${h}cm`,
    (w: string, h: string) => `about ${w} by ${h} centimetres`,
    (w: string, h: string) => `${w}cm x ${h}cm`,
  );

  test.prop([side, side, notation], { numRuns: 200 })(
    'a size written in any supported notation parses back to the same centimetres',
    (width, height, format) => {
      expect(parseDimensions(format(String(width), String(height)))).toEqual({
        widthCm: width,
        heightCm: height,
      });
    },
  );

  test.prop([fc.integer({ min: 5, max: 3000 }), fc.integer({ min: 5, max: 3000 })], { numRuns: 100 })(
    'millimetres convert to centimetres exactly',
    (width, height) => {
      expect(parseDimensions(`${width}x${height}mm`)).toEqual({ widthCm: width / 10, heightCm: height / 10 });
    },
  );

  test.prop([fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 })], { numRuns: 100 })(
    'inches convert to centimetres rounded to two decimals',
    (width, height) => {
      const cm = (inches: number) => Math.round(inches * 254) / 100;
      expect(parseDimensions(`${width}"x${height}"`)).toEqual({ widthCm: cm(width), heightCm: cm(height) });
    },
  );
});
