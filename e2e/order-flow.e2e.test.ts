import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, eventually, uniqueName } from '@nimbus/kit/testing';
import { adminToken, call, newCustomer, orderReaches, platformUp, randomTraceId, stockOf, type Answer, type Binder } from './support/platform.js';

// The reference system end to end, through the gateway only, with real
// tokens: once with the services' events on RabbitMQ, once on Kafka.

const RUSH_ORDERS = 200;
const RUSH_STOCK = 50;
// Spread over customers so each stays well under the gateway's per-user rate limit.
const RUSH_CUSTOMERS = 8;

interface Order {
  id: string;
  status: string;
  failureReason: string | null;
}

/**
 * Places one order the way a well-behaved client does: a 503 or 429 is
 * retried after Retry-After with the same Idempotency-Key, so a retry can
 * never create a second order.
 */
async function placeOnce(token: string, productId: string): Promise<Answer<Order>> {
  const key = uniqueName('rush');
  for (let attempt = 0; ; attempt++) {
    const res = await call<Order>('POST', '/api/orders', { token, body: { items: [{ productId, quantity: 1 }] }, headers: { 'idempotency-key': key } });
    if (![429, 503].includes(res.status) || attempt === 10) return res;
    await new Promise((r) => setTimeout(r, 1_000 * Number(res.headers.get('retry-after') ?? 1)));
  }
}

async function mailTo(email: string, orderId: string, kind: RegExp): Promise<{ Subject: string }> {
  return eventually(
    async () => {
      const res = await fetch(`${endpoint('MAILPIT_URL')}/api/v1/search?query=${encodeURIComponent(`to:${email}`)}`);
      const found = ((await res.json()) as { messages: Array<{ Subject: string }> }).messages;
      return found.find((m) => m.Subject.includes(orderId) && kind.test(m.Subject));
    },
    30_000,
    `a ${kind.source} email to ${email} about ${orderId} in Mailpit`,
  );
}

describe.each<Binder>(['rabbitmq', 'kafka'])('the order flow through the gateway, events on %s', (binder) => {
  const email = `${uniqueName(`e2e-${binder}`)}@nimbus.test`;
  const password = `pw-${uniqueName('secret')}`;
  let customer: string;
  let admin: string;
  let productId: string;

  const placeOrder = (quantity: number, headers: Record<string, string> = {}) =>
    call<{ id: string; status: string }>('POST', '/api/orders', {
      token: customer,
      body: { items: [{ productId, quantity }] },
      headers: { 'idempotency-key': uniqueName('order'), ...headers },
    });

  beforeAll(async () => {
    await platformUp(binder);
    admin = await adminToken();
  }, 300_000);

  // Leave the platform as `npm start` runs it.
  afterAll(async () => {
    if (binder !== 'rabbitmq') await platformUp('rabbitmq');
  }, 300_000);

  it('registers a customer and logs in with real tokens; anonymous and forged calls are refused', async () => {
    customer = await newCustomer(email, password);
    expect((await call('GET', '/api/orders')).status).toBe(401);
    expect((await call('GET', '/api/orders', { token: `${customer}x` })).status).toBe(401);
  });

  it('lets only the admin create products and set stock', async () => {
    const product = { sku: uniqueName('E2E').toUpperCase(), name: 'End-to-end lamp', description: 'Made by the e2e test', category: 'e2e', price: 2500, currency: 'EUR' };
    expect((await call('POST', '/api/products', { token: customer, body: product })).status).toBe(403);
    const created = await call<{ id: string }>('POST', '/api/products', { token: admin, body: product });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    productId = created.body.id;
    const stock = await call('PUT', `/api/inventory/${productId}`, { token: admin, body: { available: 5 } });
    expect(stock.status, JSON.stringify(stock.body)).toBe(200);
  });

  it('confirms an order, emails the customer, holds the stock and leaves one trace across every service and the broker', async () => {
    const traceId = randomTraceId();
    const placed = await placeOrder(2, { traceparent: `00-${traceId}-${'a'.repeat(16)}-01` });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    await orderReaches(customer, placed.body.id, 'CONFIRMED');
    expect(await stockOf(customer, productId)).toMatchObject({ available: 3, reserved: 2 });
    expect((await mailTo(email, placed.body.id, /confirmed/)).Subject).toBe(`Your order ${placed.body.id} is confirmed`);

    const services = await eventually(
      async () => {
        const res = await fetch(`${endpoint('ZIPKIN_URL')}/api/v2/trace/${traceId}`);
        if (!res.ok) return undefined;
        const spans = (await res.json()) as Array<{ localEndpoint?: { serviceName?: string } }>;
        const names = new Set(spans.map((s) => s.localEndpoint?.serviceName));
        const all = ['gateway', 'order-service', 'product-service', 'inventory-service', 'notification-service'];
        return all.every((n) => names.has(n)) ? names : undefined;
      },
      30_000,
      `trace ${traceId} to span every service`,
    );
    expect(services.size).toBeGreaterThanOrEqual(5);

    // Fulfilment: the admin completes the order and inventory commits the units it held.
    expect((await call('POST', `/api/orders/${placed.body.id}/complete`, { token: customer })).status).toBe(403);
    expect((await call('POST', `/api/orders/${placed.body.id}/complete`, { token: admin })).body).toMatchObject({ status: 'COMPLETED' });
    await eventually(async () => ((await stockOf(customer, productId)).reserved === 0 ? true : undefined), 30_000, 'inventory to commit the completed order');
    expect(await stockOf(customer, productId)).toMatchObject({ available: 3, reserved: 0 });
  });

  it('cancels another order once confirmed: the stock comes back and the customer is told', async () => {
    const placed = await placeOrder(3);
    await orderReaches(customer, placed.body.id, 'CONFIRMED');
    expect(await stockOf(customer, productId)).toMatchObject({ available: 0, reserved: 3 });
    const cancelled = await call('POST', `/api/orders/${placed.body.id}/cancel`, { token: customer });
    expect(cancelled.body).toMatchObject({ id: placed.body.id, status: 'CANCELLED' });
    await eventually(async () => ((await stockOf(customer, productId)).available === 3 ? true : undefined), 30_000, 'the stock of the cancelled order to come back');
    expect(await stockOf(customer, productId)).toMatchObject({ available: 3, reserved: 0 });
    expect((await mailTo(email, placed.body.id, /cancelled/)).Subject).toBe(`Your order ${placed.body.id} is cancelled`);
  });

  it('fails an order that asks for more than the stock, with the reason, and leaves the stock as it was', async () => {
    const placed = await placeOrder(50);
    expect(placed.status).toBe(201);
    const failed = await orderReaches(customer, placed.body.id, 'FAILED');
    expect(failed.failureReason).toMatch(/out of stock/);
    expect(await stockOf(customer, productId)).toMatchObject({ available: 3, reserved: 0 });
  });

  // Inventory's reservation is the only judge, so exactly 50 of 200 racing orders can win.
  it('confirms exactly 50 of 200 parallel orders for 50 units, fails 150 "out of stock", and leaves none in flight', async () => {
    const customers = await Promise.all(Array.from({ length: RUSH_CUSTOMERS }, (_, n) => newCustomer(`${uniqueName(`rush-${binder}-${n}`)}@nimbus.test`, `pw-${uniqueName('secret')}`)));
    const product = { sku: uniqueName('RUSH').toUpperCase(), name: 'Limited edition', description: 'Fifty of them', category: 'e2e', price: 9900, currency: 'EUR' };
    const created = await call<{ id: string }>('POST', '/api/products', { token: admin, body: product });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const rushId = created.body.id;
    expect((await call('PUT', `/api/inventory/${rushId}`, { token: admin, body: { available: RUSH_STOCK } })).status).toBe(200);

    const placed = await Promise.all(Array.from({ length: RUSH_ORDERS }, (_, n) => placeOnce(customers[n % RUSH_CUSTOMERS]!, rushId)));
    expect(placed.map((p) => p.status).filter((st) => st !== 201), JSON.stringify(placed.find((p) => p.status !== 201)?.body)).toEqual([]);
    const ids = new Set(placed.map((p) => p.body.id));
    expect(ids.size).toBe(RUSH_ORDERS);

    // Each customer's list, until no order is PENDING or RESERVED any more.
    const settled = await eventually(
      async () => {
        const lists = await Promise.all(customers.map((token) => call<{ items: Order[] }>('GET', '/api/orders?limit=100', { token })));
        const orders = lists.flatMap((l) => l.body.items).filter((o) => ids.has(o.id));
        return orders.length === RUSH_ORDERS && orders.every((o) => o.status === 'CONFIRMED' || o.status === 'FAILED') ? orders : undefined;
      },
      90_000,
      'every order to be CONFIRMED or FAILED',
      2_000,
    );
    const confirmed = settled.filter((o) => o.status === 'CONFIRMED');
    const failed = settled.filter((o) => o.status === 'FAILED');
    expect(confirmed).toHaveLength(RUSH_STOCK);
    expect(failed).toHaveLength(RUSH_ORDERS - RUSH_STOCK);
    expect(new Set(failed.map((o) => o.failureReason))).toEqual(new Set(['out of stock']));
    // The confirmed orders hold all 50 units until they complete or are cancelled.
    expect(await stockOf(admin, rushId)).toMatchObject({ available: 0, reserved: RUSH_STOCK });
  });
});
