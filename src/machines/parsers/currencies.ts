// Currency markers people type, mapped to ISO 4217 codes, and each code's minor-unit digits.

const SYMBOLS: Readonly<Record<string, string>> = {
  '£': 'GBP',
  '€': 'EUR',
  '¥': 'JPY',
  pound: 'GBP',
  pounds: 'GBP',
  quid: 'GBP',
  euro: 'EUR',
  euros: 'EUR',
};

const DOLLAR_MARKERS = new Set(['$', 'dollar', 'dollars', 'bucks']);
const DOLLAR_CURRENCIES = new Set(['USD', 'AUD', 'CAD', 'NZD', 'SGD', 'HKD']);

/** Codes accepted when typed as words ("300 gbp"); any other three letters are not a currency. */
const ISO_CODES = new Set([
  'GBP',
  'USD',
  'EUR',
  'AUD',
  'CAD',
  'NZD',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'JPY',
  'SGD',
  'HKD',
  'ZAR',
  'MXN',
  'BRL',
  'INR',
  'AED',
  'ILS',
  'TRY',
  'RON',
  'ISK',
]);

/** The ISO code for a marker such as "£", "gbp" or "dollars"; a "$" means the studio's own dollar. */
export function currencyFromMarker(marker: string, defaultCurrency: string): string | null {
  const studio = defaultCurrency.toUpperCase();
  if (DOLLAR_MARKERS.has(marker)) return DOLLAR_CURRENCIES.has(studio) ? studio : 'USD';
  const symbol = SYMBOLS[marker];
  if (symbol !== undefined) return symbol;
  const code = marker.toUpperCase();
  return ISO_CODES.has(code) ? code : null;
}

const digitsByCurrency = new Map<string, number>();

/** 2 for GBP, 0 for JPY: what Intl knows, defaulting to 2 for codes it does not. */
export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = intlDigits(currency);
    // Codes come from a fixed list or the studio config, so the cache stays small.
    if (digitsByCurrency.size < 100) digitsByCurrency.set(currency, digits);
  }
  return digits;
}

function intlDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}
