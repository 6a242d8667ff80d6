/**
 * The order's life cycle, as pure rules. Every status change in the service
 * goes through `transition`, so no code path can move an order along an edge
 * this table does not list.
 *
 *   PENDING --reserve--> RESERVED --confirm--> CONFIRMED --complete--> COMPLETED
 *   PENDING --reject / timeout--> FAILED
 *   PENDING | RESERVED | CONFIRMED --cancel--> CANCELLED
 *
 * COMPLETED, FAILED and CANCELLED are final. Inventory holds a confirmed
 * order's stock until the order is completed (fulfilled), so cancelling a
 * confirmed order still returns its stock; a completed one needs a return,
 * which is another flow.
 */
export const ORDER_STATUSES = ['PENDING', 'RESERVED', 'CONFIRMED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderCommand = 'reserve' | 'confirm' | 'complete' | 'reject' | 'timeout' | 'cancel';

const EDGES: Readonly<Record<OrderStatus, Partial<Record<OrderCommand, OrderStatus>>>> = {
  PENDING: { reserve: 'RESERVED', reject: 'FAILED', timeout: 'FAILED', cancel: 'CANCELLED' },
  RESERVED: { confirm: 'CONFIRMED', cancel: 'CANCELLED' },
  CONFIRMED: { complete: 'COMPLETED', cancel: 'CANCELLED' },
  COMPLETED: {},
  FAILED: {},
  CANCELLED: {},
};

/** The failure reason of an order inventory cannot cover (inventory's rejection reason, and the availability check's). */
export const OUT_OF_STOCK = 'out of stock';

export type Transition = { ok: true; from: OrderStatus; to: OrderStatus } | { ok: false; from: OrderStatus; command: OrderCommand };

/** Where `command` takes an order in `from`, or why it cannot. */
export function transition(from: OrderStatus, command: OrderCommand): Transition {
  const to = EDGES[from][command];
  return to ? { ok: true, from, to } : { ok: false, from, command };
}

export function isFinal(status: OrderStatus): boolean {
  return Object.keys(EDGES[status]).length === 0;
}

/** Whether stock may be held for an order in this status once it is final (a late reservation must then be released). */
export function holdsNoStock(status: OrderStatus): boolean {
  return status === 'CANCELLED' || status === 'FAILED';
}

export interface OrderItemRequest {
  productId: string;
  quantity: number;
}

export type ItemsCheck = { ok: true; items: OrderItemRequest[] } | { ok: false; problem: string };

/**
 * Merges repeated products (quantities summed) and sorts by product id, so
 * one order holds one line per product and the request hash is stable.
 */
export function normaliseItems(items: readonly OrderItemRequest[], maxItems: number, maxQuantity: number): ItemsCheck {
  if (items.length === 0) return { ok: false, problem: 'an order needs at least one item' };
  const merged = new Map<string, number>();
  for (const { productId, quantity } of items) {
    if (!Number.isInteger(quantity) || quantity < 1) return { ok: false, problem: `quantity of ${productId} must be a positive integer` };
    merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  }
  if (merged.size > maxItems) return { ok: false, problem: `an order may hold at most ${maxItems} distinct products` };
  const out = [...merged].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  const tooMany = out.find((i) => i.quantity > maxQuantity);
  if (tooMany) return { ok: false, problem: `quantity of ${tooMany.productId} exceeds ${maxQuantity}` };
  return { ok: true, items: out };
}
