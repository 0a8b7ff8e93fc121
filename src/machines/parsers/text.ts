// Shared text normalisation for the parsers. Every parser bounds its work by reading at most
// MAX_INPUT_CHARS: an answer to one question never needs more, and a 10,000-character paste must not
// cost more than a short message.

export const MAX_INPUT_CHARS = 1000;

/** Lower-cased NFKC text with curly quotes straightened, cut to MAX_INPUT_CHARS. */
export function normaliseText(text: string): string {
  return text
    .slice(0, MAX_INPUT_CHARS)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u2032]/g, "'")
    .replace(/[\u201c\u201d\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-');
}

/** Words only: diacritics stripped, punctuation to spaces ("Neo-Traditional!" → "neo traditional"). */
export function toWords(text: string): string {
  return normaliseText(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Parses "7.5" or "7,5" (one or two decimals after a comma) into a number. */
export function parseDecimal(raw: string): number {
  return Number(raw.replace(',', '.'));
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
