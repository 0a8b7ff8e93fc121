// Outbound delivery status only moves forward (providers report out of order: `read` may come before
// `delivered`): queued < sent < delivered < read; `failed` overrides from anywhere and is final.
const RANK: Record<string, number> = { queued: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

export function deliveryRank(status: string | null | undefined): number {
  return status ? (RANK[status] ?? 0) : 0;
}

/** The status to keep when `next` arrives after `current`. */
export function laterDeliveryStatus(current: string | null | undefined, next: string): string {
  if (current === 'failed') return current;
  return deliveryRank(next) > deliveryRank(current) ? next : (current ?? next);
}
