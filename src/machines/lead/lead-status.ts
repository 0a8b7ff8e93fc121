// Lead statuses (docs/contract.md §3) and the only status changes the conversation may make. The machine's states
// are these statuses, and a property test checks every observed change against this table.
import { leadStatuses, type LeadStatus } from '../../domain/lead-statuses.ts';

export { leadStatuses, type LeadStatus };

/** Statuses a lead returns to after a handover, going stale or opting out and back in. */
export const resumableStatuses = [
  'QUALIFYING',
  'PENDING_APPROVAL',
  'REJECTED',
  'AWAITING_DEPOSIT',
  'DEPOSIT_EXPIRED',
  'BOOKING',
  'BOOKED',
] as const;
export type ResumableStatus = (typeof resumableStatuses)[number];

/** Leaving to a human, opting out and an admin reset are possible from (almost) anywhere. */
const always = ['NEEDS_HUMAN', 'OPTED_OUT', 'QUALIFYING'] as const;

/** from → the statuses it may change to (staying put is always allowed). */
export const allowedTransitions: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  NEW: [...always],
  QUALIFYING: [...always, 'PENDING_APPROVAL', 'STALE'],
  NEEDS_HUMAN: ['OPTED_OUT', ...resumableStatuses],
  PENDING_APPROVAL: [...always, 'AWAITING_DEPOSIT', 'REJECTED'],
  REJECTED: [...always],
  AWAITING_DEPOSIT: [...always, 'BOOKING', 'DEPOSIT_EXPIRED'],
  DEPOSIT_EXPIRED: [...always, 'AWAITING_DEPOSIT', 'BOOKING'],
  BOOKING: [...always, 'BOOKED', 'STALE'],
  BOOKED: [...always],
  OPTED_OUT: [...resumableStatuses],
  STALE: [...always, 'BOOKING'],
};

export function isAllowedTransition(from: LeadStatus, to: LeadStatus): boolean {
  return from === to || allowedTransitions[from].includes(to);
}

/** A lead's state value: the resumable statuses sit in the `resumable` state (with its history). */
export type LeadStateValue = Exclude<LeadStatus, ResumableStatus> | { resumable: ResumableStatus };

export function isResumableStatus(status: string): status is ResumableStatus {
  return (resumableStatuses as readonly string[]).includes(status);
}

/** The status a state value is. */
export function statusOf(value: LeadStateValue): LeadStatus {
  return typeof value === 'string' ? value : value.resumable;
}

/** The state value of a status. */
export function stateValueOf(status: LeadStatus): LeadStateValue {
  return isResumableStatus(status) ? { resumable: status } : status;
}
