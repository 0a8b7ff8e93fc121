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

/** The ISO code for a marker such as "£", "gbp" or "euros"; null for a dollar or a word that is no currency. */
function codeOf(marker: string): string | null {
  const symbol = SYMBOLS[marker];
  if (symbol !== undefined) return symbol;
  const code = marker.toUpperCase();
  return ISO_CODES.has(code) ? code : null;
}

/**
 * The one currency an amount's markers name: undefined when they name none (a three-letter word such as
 * "for" is not a currency), null when they disagree ("£300 EUR"). A "$" defers to a dollar code beside it
 * ("$300 CAD"), else means the studio's own dollar, else USD.
 */
export function currencyOf(markers: readonly string[], defaultCurrency: string): string | null | undefined {
  const codes = new Set(markers.map(codeOf).filter((c): c is string => c !== null));
  const dollar = markers.some((m) => DOLLAR_MARKERS.has(m));
  if (codes.size > 1) return null;
  const [code] = [...codes];
  if (code !== undefined) return !dollar || DOLLAR_CURRENCIES.has(code) ? code : null;
  if (!dollar) return undefined;
  const studio = defaultCurrency.toUpperCase();
  return DOLLAR_CURRENCIES.has(studio) ? studio : 'USD';
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
