// Lead statuses (docs/contract.md §3): one list shared by the lead machine (its states) and the gateway (query
// validation, OpenAPI). The order is the documented one.
export const leadStatuses = [
  'NEW',
  'QUALIFYING',
  'NEEDS_HUMAN',
  'PENDING_APPROVAL',
  'REJECTED',
  'AWAITING_DEPOSIT',
  'DEPOSIT_EXPIRED',
  'BOOKING',
  'BOOKED',
  'OPTED_OUT',
  'STALE',
] as const;
export type LeadStatus = (typeof leadStatuses)[number];
