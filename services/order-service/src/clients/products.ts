import type { ServiceClient } from '@nimbus/kit';
import { DEPENDENCY_BAD_RESPONSE } from '@nimbus/kit';
import { Type, type Static } from '@sinclair/typebox';
import type { OrderItemRequest } from '../domain/order.js';
import { MIXED_CURRENCIES, PRODUCT_UNAVAILABLE } from '../errors.js';
import type { OrderLine } from '../store/orders.js';

/** What the order service reads from product-service's GET /products/:id; other fields are ignored. */
const ProductPrice = Type.Object({
  id: Type.String(),
  price: Type.Integer({ minimum: 0, description: 'Minor units of currency' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  active: Type.Boolean(),
});
type ProductPrice = Static<typeof ProductPrice>;

export interface PricedItems {
  currency: string;
  lines: OrderLine[];
}

export interface PriceLookupOptions {
  client: ServiceClient;
  /** Discovery name of the product service. */
  target: string;
}

/**
 * Current prices from the product service, one GET per product, in parallel,
 * through the kit client (timeout, retry, breaker, bulkhead). An outage
 * rejects with the client's DEPENDENCY_* / CIRCUIT_OPEN / BULKHEAD_FULL
 * problem, which the route answers as is: a fast 503/504, never a hang.
 */
export class PriceLookup {
  readonly #o: PriceLookupOptions;

  constructor(opts: PriceLookupOptions) {
    this.#o = opts;
  }

  async price(items: readonly OrderItemRequest[], requestId: string | undefined): Promise<PricedItems> {
    const products = await Promise.all(items.map((i) => this.#product(i.productId, requestId)));
    const unavailable = items.filter((_, n) => !products[n]?.active).map((i) => i.productId);
    if (unavailable.length > 0) {
      throw PRODUCT_UNAVAILABLE({ detail: `not for sale: ${unavailable.join(', ')}`, extensions: { items: unavailable } });
    }
    const currencies = new Set(products.map((p) => p?.currency));
    if (currencies.size !== 1) throw MIXED_CURRENCIES(`the products are priced in ${[...currencies].join(', ')}`);
    return {
      currency: products[0]?.currency ?? '',
      lines: items.map((i, n) => ({ productId: i.productId, quantity: i.quantity, unitPrice: products[n]?.price ?? 0 })),
    };
  }

  async #product(productId: string, requestId: string | undefined): Promise<ProductPrice | undefined> {
    const { client, target } = this.#o;
    // GET /products/:id is public; prices are not the caller's secret, so no token is relayed.
    const res = await client.request(target, { path: `/products/${encodeURIComponent(productId)}`, auth: 'none', requestId });
    if (res.status === 404) return undefined;
    if (!res.ok) throw DEPENDENCY_BAD_RESPONSE({ detail: `${target} answered ${res.status} for product ${productId}`, extensions: { dependency: target } });
    return res.json(ProductPrice);
  }
}
