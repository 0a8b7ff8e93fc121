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

export const leadSnapshotMigrations: Readonly<Record<number, SnapshotMigration>> = {
  1: channelNeutral,
};
