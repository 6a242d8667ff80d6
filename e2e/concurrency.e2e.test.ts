import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, uniqueName } from '@nimbus/kit/testing';
import { adminToken, call, newCustomer, platformUp, stockOf, type Answer } from './support/platform.js';

// 200 orders at once for a product with 50 in stock, through the gateway:
// inventory's reservation is the only judge, so exactly 50 can win.

const ORDERS = 200;
const STOCK = 50;
// Spread over customers so each stays well under the gateway's per-user rate limit.
const CUSTOMERS = 8;

interface Order {
  id: string;
  status: string;
  failureReason: string | null;
}

describe('200 parallel orders for 50 units, through the gateway', () => {
  let admin: string;
  let customers: string[];
  let productId: string;

  beforeAll(async () => {
    await platformUp('rabbitmq');
    admin = await adminToken();
    customers = await Promise.all(Array.from({ length: CUSTOMERS }, (_, n) => newCustomer(`${uniqueName(`rush-${n}`)}@nimbus.test`, `pw-${uniqueName('secret')}`)));
    const product = { sku: uniqueName('RUSH').toUpperCase(), name: 'Limited edition', description: 'Fifty of them', category: 'e2e', price: 9900, currency: 'EUR' };
    const created = await call<{ id: string }>('POST', '/api/products', { token: admin, body: product });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    productId = created.body.id;
    expect((await call('PUT', `/api/inventory/${productId}`, { token: admin, body: { available: STOCK } })).status).toBe(200);
  }, 300_000);

  /**
   * Places one order the way a well-behaved client does: a 503 or 429 is
   * retried after Retry-After with the same Idempotency-Key, so a retry
   * can never create a second order.
   */
  async function place(token: string): Promise<Answer<Order>> {
    const key = uniqueName('rush');
    for (let attempt = 0; ; attempt++) {
      const res = await call<Order>('POST', '/api/orders', { token, body: { items: [{ productId, quantity: 1 }] }, headers: { 'idempotency-key': key } });
      if (![429, 503].includes(res.status) || attempt === 10) return res;
      await new Promise((r) => setTimeout(r, 1_000 * Number(res.headers.get('retry-after') ?? 1)));
    }
  }

  it('confirms exactly 50, fails 150 with "out of stock", leaves no stock and no order in flight', async () => {
    const placed = await Promise.all(Array.from({ length: ORDERS }, (_, n) => place(customers[n % CUSTOMERS]!)));
    expect(placed.map((p) => p.status).filter((s) => s !== 201), JSON.stringify(placed.find((p) => p.status !== 201)?.body)).toEqual([]);
    const ids = new Set(placed.map((p) => p.body.id));
    expect(ids.size).toBe(ORDERS);

    // Each customer's list, until no order is PENDING or RESERVED any more.
    const settled = await eventually(
      async () => {
        const lists = await Promise.all(customers.map((token) => call<{ items: Order[] }>('GET', '/api/orders?limit=100', { token })));
        const orders = lists.flatMap((l) => l.body.items).filter((o) => ids.has(o.id));
        return orders.length === ORDERS && orders.every((o) => o.status === 'CONFIRMED' || o.status === 'FAILED') ? orders : undefined;
      },
      90_000,
      'every order to be CONFIRMED or FAILED',
      2_000,
    );
    const confirmed = settled.filter((o) => o.status === 'CONFIRMED');
    const failed = settled.filter((o) => o.status === 'FAILED');
    expect(confirmed).toHaveLength(STOCK);
    expect(failed).toHaveLength(ORDERS - STOCK);
    expect(new Set(failed.map((o) => o.failureReason))).toEqual(new Set(['out of stock']));
    // The confirmed orders hold all 50 units until they complete or are cancelled.
    expect(await stockOf(admin, productId)).toMatchObject({ available: 0, reserved: STOCK });
  });
});
