// The reply path, host side: after the commit, every message whose envelope names a `replyTo` topic is
// announced there with its outcome, so a waiting gateway (this process or another) answers at once instead
// of polling. A message still to be retried is not announced (its waiter times out into 202).
import type { Bus } from '../bus/bus.ts';
import type { CommitNotice } from '../domain/commit-notice.ts';
import type { Outcome, RunMessage } from './actor-run.ts';

const ANNOUNCED: ReadonlySet<Outcome> = new Set(['applied', 'duplicate', 'ignored', 'dead_lettered']);

function isAnnounced(outcome: Outcome | undefined): outcome is CommitNotice['outcome'] {
  return outcome !== undefined && ANNOUNCED.has(outcome);
}

export function announceCommits(
  bus: Bus,
  messages: readonly RunMessage[],
  outcomes: readonly Outcome[] | null,
): void {
  if (outcomes === null) return;
  messages.forEach(({ envelope, invalid }, i) => {
    const outcome = outcomes[i];
    if (invalid !== undefined || envelope.replyTo === undefined || !isAnnounced(outcome)) return;
    const notice: CommitNotice = { envelopeId: envelope.id, leadId: envelope.leadId, outcome };
    bus.notify(envelope.replyTo, notice);
  });
}
