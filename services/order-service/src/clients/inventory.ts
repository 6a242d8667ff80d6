import type { ServiceClient } from '@nimbus/kit';
import { DEPENDENCY_BAD_RESPONSE } from '@nimbus/kit';
import { Type } from '@sinclair/typebox';
import type { OrderItemRequest } from '../domain/order.js';

/** What the order service reads from inventory-service's GET /inventory/:productId; other fields are ignored. */
const Stock = Type.Object({ productId: Type.String(), available: Type.Integer() });

export interface StockShortage {
  productId: string;
  quantity: number;
  available: number;
}

export interface AvailabilityLookupOptions {
  client: ServiceClient;
  /** Discovery name of the inventory service. */
  target: string;
}

/**
 * Current availability from the inventory service, one GET per product, in
 * parallel, through the kit client (timeout, retry, breaker, bulkhead). It
 * is advisory: an order that finds too little stock fails at once with
 * "out of stock" instead of waiting for the saga, but only inventory's
 * reservation decides, so two orders that both see enough cannot oversell.
 * An outage rejects with the client's DEPENDENCY_* / CIRCUIT_OPEN /
 * BULKHEAD_FULL problem: a fast 503/504.
 */
export class AvailabilityLookup {
  readonly #o: AvailabilityLookupOptions;

  constructor(opts: AvailabilityLookupOptions) {
    this.#o = opts;
  }

  /** The items inventory cannot currently cover (a product without a stock record has none). */
  async shortages(items: readonly OrderItemRequest[], requestId: string | undefined): Promise<StockShortage[]> {
    const available = await Promise.all(items.map((i) => this.#available(i.productId, requestId)));
    return items.map((i, n) => ({ ...i, available: available[n] ?? 0 })).filter((i) => i.available < i.quantity);
  }

  async #available(productId: string, requestId: string | undefined): Promise<number> {
    const { client, target } = this.#o;
    // GET /inventory/:id reveals no customer data, so no token is relayed.
    const res = await client.request(target, { path: `/inventory/${encodeURIComponent(productId)}`, auth: 'none', requestId });
    if (res.status === 404) return 0;
    if (!res.ok) throw DEPENDENCY_BAD_RESPONSE({ detail: `${target} answered ${res.status} for the stock of ${productId}`, extensions: { dependency: target } });
    return (await res.json(Stock)).available;
  }
}
