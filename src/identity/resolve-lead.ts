// Which lead a message belongs to, brand-scoped (a studio is the brand): identifiers are unique within a
// studio, resolved in the order phone, email, deviceId. A phone gives the lead id directly (derived, no
// database round-trip: WhatsApp and SMS from one phone to one studio are one lead; another studio, another
// lead). Without a phone, the lead that already owns the email or deviceId; else an id derived from the
// first identifier, so two concurrent first messages agree on it. Every inbound route resolves through here.
import { leadIdFor } from '../domain/ids.ts';
import type { Identifier } from '../domain/lead-events.ts';
import type { Db } from '../persistence/database.ts';

const ORDER: readonly Identifier['type'][] = ['phone', 'email', 'deviceId'];

/** Identifiers as stored: emails lower-cased and trimmed, values trimmed, empty ones and duplicates dropped, in resolution order. */
export function normaliseIdentifiers(identifiers: readonly Identifier[]): Identifier[] {
  const seen = new Set<string>();
  const out: Identifier[] = [];
  for (const type of ORDER) {
    for (const identifier of identifiers) {
      if (identifier.type !== type) continue;
      const trimmed = identifier.value.trim();
      const value = type === 'email' ? trimmed.toLowerCase() : trimmed;
      const key = `${type}\u0000${value}`;
      if (value === '' || seen.has(key)) continue;
      seen.add(key);
      out.push({ type, value });
    }
  }
  return out;
}

/** The lead of a phone (E.164) writing to a studio, on any channel (pure). */
export function leadIdForPhone(studioId: string, phone: string): string {
  return leadIdFor(studioId, phone);
}

/** The lead id of a phone identity (pure), or null when the message brought no phone. */
export function phoneLeadId(studioId: string, identifiers: readonly Identifier[]): string | null {
  const phone = identifiers.find((identifier) => identifier.type === 'phone');
  return phone === undefined ? null : leadIdForPhone(studioId, phone.value);
}

/** The id a lead without a phone gets from its first identifier (or a guest's key, e.g. its session). */
export function derivedLeadId(
  studioId: string,
  first: Identifier | { type: 'guest'; value: string },
): string {
  return leadIdFor(studioId, `${first.type}:${first.value}`);
}

export interface LeadResolution {
  leadId: string;
  /** The identifiers as normalised (what the message should carry in `from`). */
  identifiers: Identifier[];
  /** How the lead was found: its phone, an identifier it already owns, or a new derived id. */
  via: 'phone' | 'lookup' | 'derived';
}

/**
 * Resolves a message's lead. `guestKey` names a guest without identifiers (the message API's session id);
 * without identifiers or a guest key there is no lead to resolve and this throws.
 */
export async function resolveLead(
  db: Db,
  studioId: string,
  raw: readonly Identifier[],
  guestKey?: string,
): Promise<LeadResolution> {
  const identifiers = normaliseIdentifiers(raw);
  const byPhone = phoneLeadId(studioId, identifiers);
  if (byPhone !== null) return { leadId: byPhone, identifiers, via: 'phone' };
  if (identifiers.length > 0) {
    const owned = await db
      .selectFrom('lead_identifiers')
      .select(['type', 'value', 'lead_id'])
      .where('studio_id', '=', studioId)
      .where((eb) =>
        eb.or(identifiers.map((i) => eb.and([eb('type', '=', i.type), eb('value', '=', i.value)]))),
      )
      .execute();
    for (const identifier of identifiers) {
      const owner = owned.find((o) => o.type === identifier.type && o.value === identifier.value);
      if (owner) return { leadId: owner.lead_id, identifiers, via: 'lookup' };
    }
  }
  const first =
    identifiers[0] ?? (guestKey === undefined ? undefined : { type: 'guest' as const, value: guestKey });
  if (first === undefined) throw new Error('resolveLead: a message without identifiers needs a guest key');
  return { leadId: derivedLeadId(studioId, first), identifiers, via: 'derived' };
}
