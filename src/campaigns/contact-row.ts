// One contact as an import file gives it (a CSV record or a JSON object), checked and normalised: phones
// to E.164 with libphonenumber-js, emails lower-cased, birthdays to MM-DD (+ the year of an ISO date),
// tags split and trimmed, consent read from the usual spellings. Pure: a row becomes a contact or the list
// of what is wrong with it, by field, so the import can report the line and keep the good rows.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { sanitize } from '../domain/sanitize.ts';

export interface Contact {
  name: string | null;
  phone: string | null;
  email: string | null;
  /** MM-DD */
  birthday: string | null;
  birthYear: number | null;
  /** null: the row did not say (a re-import keeps what was there). */
  tags: string[] | null;
  consent: boolean | null;
  consentSource: string | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export type ContactResult = { ok: true; contact: Contact } | { ok: false; problems: FieldProblem[] };

export const contactFields = [
  'name',
  'phone',
  'email',
  'birthday',
  'tags',
  'consent',
  'consentSource',
] as const;

const emailSchema = z.email();
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A field as text: numbers and booleans from JSON count, empty means absent. Sanitised like any inbound
 * string (a name with NUL or a lone surrogate is stored cleaned, not refused by PostgreSQL).
 */
function text(value: unknown): string | null {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = sanitize(value).trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * "Possible" rather than "valid": libphonenumber's validity check rejects ranges reserved for fiction and
 * testing (Ofcom's 07700 900xxx) that studios and test suites use; length and country code must still fit.
 * A national number needs the import's default country.
 */
export function normalisePhone(raw: string, defaultCountry?: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  return parsed?.isPossible() === true ? parsed.number : null;
}

function parseBirthday(raw: string): { monthDay: string; year: number | null } | null {
  const match = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(raw);
  if (!match) return null;
  const [, year, month = '', day = ''] = match;
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > (DAYS_IN_MONTH[m - 1] ?? 0)) return null;
  if (year !== undefined) {
    const date = new Date(Date.UTC(Number(year), m - 1, d));
    if (date.getUTCDate() !== d) return null; // 29 February of a year without one
  }
  return { monthDay: `${month}-${day}`, year: year === undefined ? null : Number(year) };
}

function parseTags(value: unknown): string[] | null | undefined {
  if (Array.isArray(value)) {
    if (!value.every((t) => typeof t === 'string')) return undefined;
    return [...new Set(value.map((t) => sanitize(t).trim()).filter((t) => t !== ''))];
  }
  const raw = text(value);
  if (raw === null) return null;
  // In a CSV cell tags are separated by ';', '|' or ','.
  return [
    ...new Set(
      raw
        .split(/[;|,]/)
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}

export function parseContact(row: Record<string, unknown>, defaultCountry?: CountryCode): ContactResult {
  const problems: FieldProblem[] = [];
  const rawPhone = text(row.phone);
  const phone = rawPhone === null ? null : normalisePhone(rawPhone, defaultCountry);
  if (rawPhone !== null && phone === null) {
    problems.push({ field: 'phone', message: `not a phone number: ${JSON.stringify(rawPhone)}` });
  }
  const rawEmail = text(row.email);
  const email = rawEmail === null ? null : rawEmail.toLowerCase();
  if (email !== null && !emailSchema.safeParse(email).success) {
    problems.push({ field: 'email', message: `not an email address: ${JSON.stringify(rawEmail)}` });
  }
  if (rawPhone === null && rawEmail === null) {
    problems.push({ field: 'phone', message: 'a contact needs a phone or an email' });
  }
  const rawBirthday = text(row.birthday);
  const birthday = rawBirthday === null ? null : parseBirthday(rawBirthday);
  if (rawBirthday !== null && birthday === null) {
    problems.push({
      field: 'birthday',
      message: `expected MM-DD or YYYY-MM-DD, got ${JSON.stringify(rawBirthday)}`,
    });
  }
  const tags = parseTags(row.tags);
  if (tags === undefined) problems.push({ field: 'tags', message: 'expected a list of strings' });
  const rawConsent = text(row.consent)?.toLowerCase() ?? null;
  const consent =
    rawConsent === null ? null : TRUE.has(rawConsent) ? true : FALSE.has(rawConsent) ? false : undefined;
  if (consent === undefined) {
    problems.push({
      field: 'consent',
      message: `expected true or false, got ${JSON.stringify(row.consent)}`,
    });
  }
  const consentSource = text(row.consentSource);
  if (consent === true && consentSource === null) {
    problems.push({ field: 'consentSource', message: 'consent needs its source (where it was given)' });
  }
  if (problems.length > 0 || consent === undefined || tags === undefined) return { ok: false, problems };
  return {
    ok: true,
    contact: {
      name: text(row.name),
      phone,
      email,
      birthday: birthday?.monthDay ?? null,
      birthYear: birthday?.year ?? null,
      tags,
      consent,
      consentSource,
    },
  };
}
