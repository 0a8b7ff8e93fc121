// Outbound delivery status only moves forward (providers report out of order: `read` may come before
// `delivered`): sent < delivered < read; `failed` overrides from anywhere and is final.
const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

export function deliveryRank(status: string | null | undefined): number {
  return status ? (RANK[status] ?? 0) : 0;
}

/** The status to keep when `next` arrives after `current`. */
export function laterDeliveryStatus(current: string | null | undefined, next: string): string {
  if (current === 'failed') return current;
  return deliveryRank(next) > deliveryRank(current) ? next : (current ?? next);
}
