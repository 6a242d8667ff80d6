export interface OrderItem {
  productId: string;
  quantity: number;
}

export type ReservationStatus = 'reserved' | 'released' | 'expired' | 'committed';

/** Why an item could not be reserved (public API: consumers of inventory.rejected switch on it). */
export type RejectionReason = 'out of stock' | 'unknown product';

export interface ItemRejection extends OrderItem {
  available: number;
  reason: RejectionReason;
}

/** The inventory event types (public API, like error codes). */
export const INVENTORY_EVENTS = {
  reserved: 'inventory.reserved',
  rejected: 'inventory.rejected',
  released: 'inventory.released',
  committed: 'inventory.committed',
} as const;

export type ItemsCheck = { ok: true; items: OrderItem[] } | { ok: false; problem: string };

/**
 * Normalises an order's items: one line per product (quantities summed) in
 * product id order. The fixed order makes concurrent orders lock stock rows
 * in the same sequence, so they wait for each other instead of deadlocking.
 */
export function normaliseItems(items: readonly OrderItem[], maxItems: number): ItemsCheck {
  if (items.length === 0) return { ok: false, problem: 'an order needs at least one item' };
  const totals = new Map<string, number>();
  for (const { productId, quantity } of items) {
    if (typeof productId !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(productId)) return { ok: false, problem: `invalid product id ${JSON.stringify(productId)}` };
    if (!Number.isSafeInteger(quantity) || quantity < 1) return { ok: false, problem: `quantity of ${productId} must be a positive integer` };
    const total = (totals.get(productId) ?? 0) + quantity;
    if (total > 1_000_000) return { ok: false, problem: `quantity of ${productId} is too large` };
    totals.set(productId, total);
  }
  if (totals.size > maxItems) return { ok: false, problem: `an order may hold at most ${maxItems} products` };
  const sorted = [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { ok: true, items: sorted.map(([productId, quantity]) => ({ productId, quantity })) };
}

/** Which transitions a reservation in `status` allows; `same` means the call is a repeat and succeeds unchanged. */
export function transition(status: ReservationStatus, to: 'release' | 'commit'): 'apply' | 'same' | 'refuse' {
  if (status === 'reserved') return 'apply';
  if (to === 'commit') return status === 'committed' ? 'same' : 'refuse';
  return status === 'released' || status === 'expired' ? 'same' : 'refuse';
}
