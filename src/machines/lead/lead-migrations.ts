// Snapshot migrations of the lead machine (invariant 8): migrations[n] upgrades a persisted snapshot of
// machine version n to n + 1. Frozen in time: each reads the shape its version wrote, never today's types.
import type { SnapshotMigration } from '../../actors/actor-definition.ts';

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`lead snapshot: ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

/**
 * 1 → 2, the channel-neutral core: every lead so far talked over WhatsApp, so a lead with a phone replies on
 * `whatsapp` to that phone (from the studio's own number); one without a phone has no channel yet.
 */
const channelNeutral: SnapshotMigration = (persisted) => {
  const snapshot = objectOf(persisted, 'snapshot');
  const context = objectOf(snapshot.context, 'context');
  const phone = typeof context.phone === 'string' && context.phone !== '' ? context.phone : null;
  return {
    ...snapshot,
    context: {
      ...context,
      channel: phone === null ? null : 'whatsapp',
      replyTo: phone === null ? null : { to: phone },
    },
  };
};

/** The statuses version 2 returned to after a handover, going stale or opting out (its `resumeTo`). */
const V2_RESUMABLE = [
  'QUALIFYING',
  'PENDING_APPROVAL',
  'REJECTED',
  'AWAITING_DEPOSIT',
  'DEPOSIT_EXPIRED',
  'BOOKING',
  'BOOKED',
];

/**
 * 2 → 3, the chart carries the resume: version 2's flat status becomes `{ resumable: status }` for the
 * resumable statuses, and a lead away from them (NEEDS_HUMAN, STALE, OPTED_OUT) gets the history version 3
 * returns through, set to where version 2 would have returned it (`context.resumeTo`; START's own
 * overrides still read the context). NEW has no history yet (it goes to QUALIFYING, as `resumeTo` says).
 */
const resumableHistory: SnapshotMigration = (persisted) => {
  const snapshot = objectOf(persisted, 'snapshot');
  const context = objectOf(snapshot.context, 'context');
  const { value } = snapshot;
  if (typeof value !== 'string') throw new Error('lead snapshot: version 2 state value is not a status');
  if (V2_RESUMABLE.includes(value)) return { ...snapshot, value: { resumable: value } };
  const resumeTo = context.resumeTo;
  if (typeof resumeTo !== 'string' || !V2_RESUMABLE.includes(resumeTo)) {
    throw new Error('lead snapshot: version 2 resumeTo is not a resumable status');
  }
  if (value === 'NEW') return snapshot;
  return {
    ...snapshot,
    historyValue: { 'lead.resumable.history': [{ id: `lead.resumable.${resumeTo}` }] },
  };
};

/** A field's value, or `fallback` when the snapshot has none (undefined, not null). */
function orDefault(record: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return record[key] === undefined ? fallback : record[key];
}

/**
 * 3 → 4, no optional fields: the ones added after version 1 without a migration (absent meant none) are
 * filled, `language`, `offeredChoices`, `decidedWhileOptedOut`, `deposit.checkingSession`, `slots.loading`.
 */
const filledDefaults: SnapshotMigration = (persisted) => {
  const snapshot = objectOf(persisted, 'snapshot');
  const context = objectOf(snapshot.context, 'context');
  const deposit = objectOf(context.deposit, 'context.deposit');
  const slots = objectOf(context.slots, 'context.slots');
  return {
    ...snapshot,
    context: {
      ...context,
      language: orDefault(context, 'language', null),
      offeredChoices: orDefault(context, 'offeredChoices', []),
      decidedWhileOptedOut: orDefault(context, 'decidedWhileOptedOut', null),
      deposit: { ...deposit, checkingSession: orDefault(deposit, 'checkingSession', null) },
      slots: { ...slots, loading: orDefault(slots, 'loading', null) },
    },
  };
};

export const leadSnapshotMigrations: Readonly<Record<number, SnapshotMigration>> = {
  1: channelNeutral,
  2: resumableHistory,
  3: filledDefaults,
};
