// An import file as records with the line each came from: CSV (a header row names the fields; parsed by
// csv-parse, which knows quoting and embedded newlines, so a row's line is where it starts) or JSON (an
// array of objects, or {"contacts": [...]}; a record's "line" is its 1-based position). A CSV row the parser
// cannot read is reported by line and skipped; the others are kept.
import { parse } from 'csv-parse/sync';
import { contactFields } from './contact-row.ts';

export interface SourceRecord {
  line: number;
  record: Record<string, unknown>;
}

export interface ReadProblem {
  line: number;
  field: null;
  message: string;
}

export interface ReadOutcome {
  records: SourceRecord[];
  problems: ReadProblem[];
  /** Columns or keys that are not contact fields: ignored (a CSV export often carries extra columns). */
  ignoredFields: string[];
}

/** Header spellings seen in exports, mapped to the contact's field names. */
const ALIASES: Record<string, string> = {
  consent_source: 'consentSource',
  consentsource: 'consentSource',
  'consent source': 'consentSource',
  mobile: 'phone',
  'phone number': 'phone',
  e_mail: 'email',
  'e-mail': 'email',
  dob: 'birthday',
  birth_date: 'birthday',
};

function fieldName(header: string): string {
  const key = header.trim();
  const lower = key.toLowerCase();
  return ALIASES[lower] ?? (contactFields as readonly string[]).find((f) => f.toLowerCase() === lower) ?? key;
}

function keep(records: SourceRecord[], problems: ReadProblem[]): ReadOutcome {
  const ignored = new Set<string>();
  const cleaned = records.map(({ line, record }) => {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      const name = fieldName(key);
      if ((contactFields as readonly string[]).includes(name)) fields[name] = value;
      else ignored.add(key);
    }
    return { line, record: fields };
  });
  return { records: cleaned, problems, ignoredFields: [...ignored] };
}

export function readCsv(text: string): ReadOutcome {
  const problems: ReadProblem[] = [];
  const rows = parse<{ record: Record<string, string>; info: { lines: number } }>(text, {
    columns: true,
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      const line = (error as { lines?: number } | undefined)?.lines ?? 0;
      problems.push({ line, field: null, message: error?.message ?? 'unreadable row' });
    },
  });
  // info.lines is the line the record ends on; a quoted newline makes it span several.
  return keep(
    rows.map((r) => ({ line: r.info.lines, record: r.record })),
    problems,
  );
}

export function readJson(value: unknown): ReadOutcome | null {
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null && Array.isArray((value as { contacts?: unknown }).contacts)
      ? (value as { contacts: unknown[] }).contacts
      : null;
  if (list === null) return null;
  const records: SourceRecord[] = [];
  const problems: ReadProblem[] = [];
  list.forEach((item, i) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      records.push({ line: i + 1, record: item as Record<string, unknown> });
    } else problems.push({ line: i + 1, field: null, message: 'a contact must be an object' });
  });
  return keep(records, problems);
}
