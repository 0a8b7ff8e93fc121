// Identifiers that cross process boundaries. Lead ids are derived, not allocated, so the gateway can route
// a webhook to its lead without a database round-trip and two concurrent first messages agree on the id.
import { createHash } from 'node:crypto';

/** Stable, URL-safe and NATS-token-safe lead id for a studio + E.164 phone number. */
export function leadIdFor(studioId: string, phoneE164: string): string {
  const digest = createHash('sha256').update(`${studioId}\u0000${phoneE164}`).digest('hex');
  return `ld_${digest.slice(0, 24)}`;
}

/** NATS subject tokens may not contain whitespace, '.', '*' or '>'. */
export function isSubjectToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(value);
}

/** FNV-1a 32-bit: stable across processes, platforms and releases (never change it: partitions depend on it). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The partition of a lead: a stable hash of its id modulo LEADLINE_PARTITIONS. */
export function partitionOf(leadId: string, partitions: number): number {
  return fnv1a32(leadId) % partitions;
}
