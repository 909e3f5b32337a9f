/**
 * Purchase records (policy 1.1(3)): business records the storefront backend reports, kept beyond a
 * member's deactivation to settle disputes (policy 2.2), so they carry the reason they are kept.
 */
export interface Order {
  orderId: string;
  memberId: string;
  orderedAt: string;
  amount: number;
  currency: string;
  itemsCount: number;
  receivedAt: string;
  retainedBecause: string;
}

export const ORDER_RETENTION_REASON = 'Purchase record kept to settle disputes and meet accounting duties (policy 1.1(3), 2.2).';

export function recordOrder(input: Omit<Order, 'receivedAt' | 'retainedBecause' | 'currency'> & { currency?: string }, now: Date): Order {
  return { ...input, currency: input.currency ?? 'THB', receivedAt: now.toISOString(), retainedBecause: ORDER_RETENTION_REASON };
}

/** Same order reported again (a retry), as opposed to a different order under a reused id. */
export const sameOrder = (a: Order, b: Order) =>
  a.orderId === b.orderId &&
  a.memberId === b.memberId &&
  Date.parse(a.orderedAt) === Date.parse(b.orderedAt) &&
  a.amount === b.amount &&
  a.currency === b.currency &&
  a.itemsCount === b.itemsCount;
