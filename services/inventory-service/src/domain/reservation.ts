export interface OrderItem {
  productId: string;
  quantity: number;
}

/**
 * reserved (expires) → confirmed (the order was confirmed: held without
 * expiry) → committed (the order completed: the units left); reserved or
 * confirmed → released (cancelled); reserved → expired.
 */
export type ReservationStatus = 'reserved' | 'confirmed' | 'released' | 'expired' | 'committed';
export type ReservationAction = 'confirm' | 'release' | 'expire' | 'commit';

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

const TARGET: Readonly<Record<ReservationAction, ReservationStatus>> = { confirm: 'confirmed', release: 'released', expire: 'expired', commit: 'committed' };
const FROM: Readonly<Record<ReservationAction, readonly ReservationStatus[]>> = {
  confirm: ['reserved'],
  release: ['reserved', 'confirmed'],
  // Only an unconfirmed hold expires: a confirmed order keeps its stock until it completes or is cancelled.
  expire: ['reserved'],
  commit: ['reserved', 'confirmed'],
};

/** The status `action` leaves a reservation in. */
export const targetOf = (action: ReservationAction): ReservationStatus => TARGET[action];

/** The statuses `action` applies to. */
export const appliesTo = (action: ReservationAction): readonly ReservationStatus[] => FROM[action];

/**
 * Whether `action` changes a reservation in `status`; `same` means the call
 * is a repeat and succeeds unchanged (releasing an expired hold is a repeat).
 */
export function transition(status: ReservationStatus, action: ReservationAction): 'apply' | 'same' | 'refuse' {
  if (FROM[action].includes(status)) return 'apply';
  if (status === TARGET[action]) return 'same';
  if (action === 'release' && status === 'expired') return 'same';
  if (action === 'expire' && status === 'released') return 'same';
  return 'refuse';
}
