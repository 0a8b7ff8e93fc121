// Budgets: "£300", "300 GBP", "300 pounds", "$250-400", "around 500 euros", "€1,200", "1.200,50 €", "300".
// Normalised to integer minor units plus an ISO 4217 code; a range keeps its upper end in maxAmountMinor.
import { normaliseText } from './text.ts';
import { currencyOf, minorDigits } from './currencies.ts';

export interface Money {
  amountMinor: number;
  maxAmountMinor?: number;
  currency: string;
}

/**
 * Above this many major units a tattoo budget is a typo ("300k"), not an answer. Currencies without minor
 * units (JPY, KRW) are worth roughly a hundredth as much, so they get a hundred times the room.
 */
const MAX_MAJOR_UNITS = 100_000;

const MARKER = String.raw`(£|\$|€|¥|[a-z]{3}\b|pounds?|quid|dollars?|bucks|euros?)`;
// Thousands grouped by "," "." or a space ("1 000 €", as French and many others write it).
const AMOUNT = String.raw`((?:\d{1,3}(?:[,.]\d{3})+|\d{1,3}(?: \d{3})+|\d{1,9})(?:[.,]\d{1,2})?)\s*(k\b)?`;
const RANGE = String.raw`(?:\s*(?:-|to|and|/)\s*(?:${MARKER}\s*)?${AMOUNT})?`;
const PATTERN = new RegExp(
  String.raw`(?:${MARKER}\s*)?(?<![\d.,:]|(?:(?<![a-z])x|×|\*|\bby)\s*)${AMOUNT}${RANGE}(?:\s*${MARKER})?(?!\s*(?:x(?![a-z])|×|\*|by\b|cm|mm|in\b|inch|"|%|am\b|pm\b|:)|\d)`,
  'g',
);

/** "1,200" and "1.200" are thousands; "12,50" and "12.5" are decimals; "1.200,50" is both. */
export function parseAmount(written: string): number {
  const raw = written.replace(/ /g, '');
  const lastSeparator = Math.max(raw.lastIndexOf(','), raw.lastIndexOf('.'));
  if (lastSeparator === -1) return Number(raw);
  const decimals = raw.length - lastSeparator - 1;
  if (decimals === 3) return Number(raw.replace(/[.,]/g, ''));
  const whole = raw.slice(0, lastSeparator).replace(/[.,]/g, '');
  return Number(`${whole}.${raw.slice(lastSeparator + 1)}`);
}

function toMinor(raw: string, thousands: string | undefined, currency: string): number | null {
  const major = parseAmount(raw) * (thousands === undefined ? 1 : 1000);
  const digits = minorDigits(currency);
  const max = digits === 0 ? MAX_MAJOR_UNITS * 100 : MAX_MAJOR_UNITS;
  if (!Number.isFinite(major) || major <= 0 || major > max) return null;
  return Math.round(major * 10 ** digits);
}

interface Candidate {
  money: Money;
  explicit: boolean;
}

function candidateFrom(match: RegExpMatchArray, defaultCurrency: string): Candidate | null {
  const [, before, amount = '', k, rangeMarker, maxAmount, maxK, after] = match;
  const markers = [before, rangeMarker, after].filter((m): m is string => m !== undefined);
  const named = currencyOf(markers, defaultCurrency);
  if (named === null) return null;
  const explicit = named !== undefined;
  const currency = named ?? defaultCurrency.toUpperCase();
  const amountMinor = toMinor(amount, k, currency);
  if (amountMinor === null) return null;
  if (maxAmount === undefined) return { money: { amountMinor, currency }, explicit };
  const maxAmountMinor = toMinor(maxAmount, maxK ?? k, currency);
  if (maxAmountMinor === null || maxAmountMinor < amountMinor) return null;
  const money: Money =
    maxAmountMinor === amountMinor ? { amountMinor, currency } : { amountMinor, maxAmountMinor, currency };
  return { money, explicit };
}

/** The first amount with a currency marker, else the first bare amount; null when there is none. */
export function findMoney(text: string, defaultCurrency: string): Candidate | null {
  let bare: Candidate | null = null;
  for (const match of normaliseText(text).matchAll(PATTERN)) {
    const candidate = candidateFrom(match, defaultCurrency);
    if (candidate?.explicit === true) return candidate;
    bare ??= candidate;
  }
  return bare;
}

export function parseMoney(text: string, defaultCurrency: string): Money | null {
  return findMoney(text, defaultCurrency)?.money ?? null;
}
