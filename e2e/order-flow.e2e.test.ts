import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, eventually, uniqueName } from '@nimbus/kit/testing';
import { adminToken, call, newCustomer, orderReaches, platformUp, randomTraceId, stockOf, type Binder } from './support/platform.js';

// The reference system end to end, through the gateway only, with real
// tokens: once with the services' events on RabbitMQ, once on Kafka.

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
});
