// Contacts become leads (docs/contract.md §10): each good row is upserted into `contacts` and, when its lead does
// not exist yet, a `leads` row at status NEW with no snapshot (the actor host starts such a lead from the
// machine's initial state at its first event, fenced on the row's version 0: src/actors/actor-run.ts).
// Re-importing the same person updates their contact row; the lead id is derived from the phone (or the
// email), so it is the same lead a WhatsApp or SMS message from that number reaches. Rows are written in
// batches, one transaction each; a bad row is reported by line and the rest are kept.
import type { CountryCode } from 'libphonenumber-js';
import { sql } from 'kysely';
import { leadIdFor } from '../domain/ids.ts';
import type { Db } from '../persistence/database.ts';
import { parseContact, type Contact, type FieldProblem } from './contact-row.ts';
import type { ReadOutcome } from './contact-file.ts';

export const IMPORT_BATCH = 500;

export interface ImportProblem {
  line: number;
  field: string | null;
  message: string;
}

export interface ImportReport {
  /** Records read from the file (good and bad). */
  received: number;
  /** New leads created. */
  imported: number;
  /** Contacts that existed already (by phone or email) and were updated. */
  updated: number;
  failed: number;
  errors: ImportProblem[];
  ignoredFields: string[];
}

export interface ImportOptions {
  studioId: string;
  defaultCountry?: CountryCode | undefined;
  /** Called after each batch with the records handled so far. */
  onProgress?: (done: number, total: number) => void;
}

/** The lead a contact is: by phone when it has one (the id every channel derives), else by email. */
export function contactLeadId(studioId: string, contact: Pick<Contact, 'phone' | 'email'>): string {
  return leadIdFor(studioId, contact.phone ?? `email:${contact.email ?? ''}`);
}

interface Good {
  line: number;
  leadId: string;
  contact: Contact;
}

async function writeBatch(db: Db, studioId: string, batch: readonly Good[]): Promise<{ created: number }> {
  // One row per lead: a file naming the same person twice keeps its last row.
  const byLead = new Map(batch.map((g) => [g.leadId, g]));
  const rows = [...byLead.values()];
  const col = <T>(f: (g: Good) => T): T[] => rows.map(f);
  return db.transaction().execute(async (tx) => {
    const created = await sql<{ id: string }>`
      insert into leads (id, actor_type, studio_id, phone, name, status, step, answers, snapshot, machine_id,
        machine_version, version)
      select id, 'lead', ${studioId}, phone, name, 'NEW', null, '{}'::jsonb, 'null'::jsonb, 'lead', 0, 0
      from unnest(${col((g) => g.leadId)}::text[], ${col((g) => g.contact.phone)}::text[],
        ${col((g) => g.contact.name)}::text[]) as c(id, phone, name)
      on conflict (id) do nothing
      returning id`.execute(tx);
    const values = sql`unnest(${col((g) => g.leadId)}::text[], ${col((g) => g.contact.name)}::text[],
        ${col((g) => g.contact.phone)}::text[], ${col((g) => g.contact.email)}::text[],
        ${col((g) => g.contact.birthday)}::text[], ${col((g) => g.contact.birthYear)}::int[],
        ${col((g) => (g.contact.tags === null ? null : JSON.stringify(g.contact.tags)))}::jsonb[],
        ${col((g) => g.contact.consent)}::boolean[], ${col((g) => g.contact.consentSource)}::text[])
        as v(lead_id, name, phone, email, birthday, birth_year, tags, consent, consent_source)`;
    await sql`
      insert into contacts (lead_id, studio_id) select lead_id, ${studioId} from ${values}
      on conflict (lead_id) do nothing`.execute(tx);
    // A field the row left empty keeps what an earlier import said (a new contact: the column default).
    await sql`
      update contacts set
        name = coalesce(v.name, contacts.name),
        phone = coalesce(v.phone, contacts.phone),
        email = coalesce(v.email, contacts.email),
        birthday = coalesce(v.birthday, contacts.birthday),
        birth_year = coalesce(v.birth_year, contacts.birth_year),
        tags = coalesce((select array(select jsonb_array_elements_text(v.tags)) where v.tags is not null),
          contacts.tags),
        consent = coalesce(v.consent, contacts.consent),
        consent_source = coalesce(v.consent_source, contacts.consent_source),
        updated_at = now()
      from ${values}
      where contacts.lead_id = v.lead_id`.execute(tx);
    return { created: created.rows.length };
  });
}

export async function importContacts(
  db: Db,
  read: ReadOutcome,
  options: ImportOptions,
): Promise<ImportReport> {
  const errors: ImportProblem[] = [...read.problems];
  const total = read.records.length;
  let imported = 0;
  let good = 0;
  for (let start = 0; start < total; start += IMPORT_BATCH) {
    const batch: Good[] = [];
    for (const { line, record } of read.records.slice(start, start + IMPORT_BATCH)) {
      const result = parseContact(record, options.defaultCountry);
      if (result.ok) {
        batch.push({
          line,
          leadId: contactLeadId(options.studioId, result.contact),
          contact: result.contact,
        });
      } else {
        errors.push(...result.problems.map((p: FieldProblem) => ({ line, ...p })));
      }
    }
    if (batch.length > 0) {
      imported += (await writeBatch(db, options.studioId, batch)).created;
      good += batch.length;
    }
    options.onProgress?.(Math.min(start + IMPORT_BATCH, total), total);
  }
  errors.sort((a, b) => a.line - b.line);
  const badLines = new Set(errors.map((e) => e.line));
  return {
    received: total + read.problems.length,
    imported,
    updated: good - imported,
    failed: badLines.size,
    errors,
    ignoredFields: read.ignoredFields,
  };
}
