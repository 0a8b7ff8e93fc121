// What an import was given (a CSV text or parsed JSON) → records by line, or null when the JSON is neither
// a list of contacts nor {"contacts": [...]}.
import type { CountryCode } from 'libphonenumber-js';
import { getCountries } from 'libphonenumber-js';
import { readCsv, readJson, type ReadOutcome } from './contact-file.ts';

export function readContacts(body: unknown): ReadOutcome | null {
  return typeof body === 'string' ? readCsv(body) : readJson(body);
}

const countries = new Set<string>(getCountries());

/** An ISO 3166 alpha-2 code libphonenumber knows (for national-format numbers), or undefined. */
export function countryCode(value: string | undefined): CountryCode | undefined {
  const upper = value?.toUpperCase();
  return upper !== undefined && countries.has(upper) ? (upper as CountryCode) : undefined;
}
