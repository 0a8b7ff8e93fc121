// Tattoo sizes: "10x15cm", "10 x 15 cm", "4x6in", '4"x6"', "100x150mm", "10cm by 15cm", "7.5x10".
// Normalised to centimetres (two decimals); no unit means centimetres.
import { normaliseText, parseDecimal, roundTo } from './text.ts';

export interface Dimensions {
  widthCm: number;
  heightCm: number;
}

/** Larger than this on either side is a typo or a joke, not a tattoo. */
const MAX_SIDE_CM = 300;
/** Smaller than this ("1x1mm") is a slip of the unit: asking again beats recording it. */
const MIN_SIDE_CM = 0.5;

const CM_PER_UNIT: Readonly<Record<string, number>> = { cm: 1, mm: 0.1, in: 2.54, m: 100 };

const NUMBER = String.raw`(\d{1,4}(?:[.,]\d{1,2})?)`;
const UNIT = String.raw`(centimet(?:er|re)s?|cms?|millimet(?:er|re)s?|mm|inch(?:es)?|ins?|"|''|met(?:er|re)s?|m)?`;
const SIDE_WORD = String.raw`(?:\s*(?:wide|width|tall|high|height|long|length|across))?`;
const SEPARATOR = String.raw`\s*(?:x|×|\*|by)\s*`;
const PATTERN = new RegExp(
  String.raw`(?<![\d.,])${NUMBER}\s*${UNIT}${SIDE_WORD}${SEPARATOR}${NUMBER}\s*${UNIT}${SIDE_WORD}(?![\p{L}\d])`,
  'gu',
);

function unitKey(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.startsWith('c')) return 'cm';
  if (raw.startsWith('mi') || raw === 'mm') return 'mm';
  if (raw.startsWith('i') || raw === '"' || raw === "''") return 'in';
  return 'm';
}

function toCm(value: number, unit: string): number | null {
  const cm = roundTo(value * (CM_PER_UNIT[unit] ?? 1), 2);
  return cm >= MIN_SIDE_CM && cm <= MAX_SIDE_CM ? cm : null;
}

export function parseDimensions(text: string): Dimensions | null {
  const source = normaliseText(text);
  for (const match of source.matchAll(PATTERN)) {
    const [, rawWidth = '', rawWidthUnit, rawHeight = '', rawHeightUnit] = match;
    const widthUnit = unitKey(rawWidthUnit);
    const heightUnit = unitKey(rawHeightUnit);
    // "10x15cm": the one unit given applies to both sides.
    const widthCm = toCm(parseDecimal(rawWidth), widthUnit ?? heightUnit ?? 'cm');
    const heightCm = toCm(parseDecimal(rawHeight), heightUnit ?? widthUnit ?? 'cm');
    if (widthCm !== null && heightCm !== null) return { widthCm, heightCm };
  }
  return null;
}
