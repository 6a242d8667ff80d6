import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, alice, bob, eventually, startOrderService, type TestOrderService } from './support/harness.js';

let t: TestOrderService;

beforeAll(async () => {
  t = await startOrderService();
  t.origin.products.set('widget', { price: 250, currency: 'EUR', active: true });
  t.origin.products.set('gadget', { price: 1000, currency: 'EUR', active: true });
  t.origin.products.set('retired', { price: 10, currency: 'EUR', active: false });
  t.origin.products.set('dollar', { price: 10, currency: 'USD', active: true });
});
afterAll(async () => {
  await t?.stop();
});

const place = (key: string, items: { productId: string; quantity: number }[], headers: Record<string, string> = alice()) =>
  t.service.app.inject({ method: 'POST', url: '/orders', headers: { ...headers, 'idempotency-key': key }, payload: { items } });

describe('POST /orders', () => {
  it('stores the order PENDING at current prices and announces order.created through the outbox', async () => {
    const res = await place(`k-create-${t.runId}`, [{ productId: 'widget', quantity: 2 }, { productId: 'gadget', quantity: 1 }]);
    expect(res.statusCode).toBe(201);
    const order = res.json<{ id: string; status: string; total: unknown; items: unknown }>();
    expect(order).toMatchObject({ status: 'PENDING', customerId: 'alice', failureReason: null, total: { amount: 1500, currency: 'EUR' } });
    expect(order.items).toEqual([{ productId: 'gadget', quantity: 1, unitPrice: 1000 }, { productId: 'widget', quantity: 2, unitPrice: 250 }]);
    const created = await eventually(() => t.received.find((e) => e.subject === order.id && e.type === 'order.created'));
    expect(created.source).toBe('order-service');
    expect(created.data).toMatchObject({ orderId: order.id, customerEmail: 'alice@example.test', items: [{ productId: 'gadget', quantity: 1 }, { productId: 'widget', quantity: 2 }] });
  });

  it('answers a retry with the same key and body with the first order, creating nothing new', async () => {
    const key = `k-retry-${t.runId}`;
    const first = await place(key, [{ productId: 'widget', quantity: 1 }]);
    const before = t.origin.requests;
    const again = await place(key, [{ productId: 'widget', quantity: 1 }]);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(t.origin.requests).toBe(before);
    const [rows] = await t.sql.query('SELECT COUNT(*) AS n FROM orders WHERE idempotency_key = ?', [key]);
    expect((rows as { n: number }[])[0]?.n).toBe(1);
  });

  it('creates one order when the same key is sent concurrently', async () => {
    const key = `k-race-${t.runId}`;
    const answers = await Promise.all([1, 2, 3, 4].map(() => place(key, [{ productId: 'gadget', quantity: 1 }])));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.json<{ id: string }>().id)).size).toBe(1);
  });

  it('refuses the same key with a different body with 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = `k-reuse-${t.runId}`;
    await place(key, [{ productId: 'widget', quantity: 1 }]);
    const res = await place(key, [{ productId: 'widget', quantity: 3 }]);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('scopes keys per customer: another customer with the same key gets their own order', async () => {
    const key = `k-shared-${t.runId}`;
    const a = await place(key, [{ productId: 'widget', quantity: 1 }]);
    const b = await place(key, [{ productId: 'widget', quantity: 1 }], bob);
    expect(b.statusCode).toBe(201);
    expect(b.json<{ id: string }>().id).not.toBe(a.json<{ id: string }>().id);
  });

  it('answers 401 without the gateway identity and 400 without an Idempotency-Key', async () => {
    const anonymous = await t.service.app.inject({ method: 'POST', url: '/orders', headers: { 'idempotency-key': 'x' }, payload: { items: [{ productId: 'widget', quantity: 1 }] } });
    expect(anonymous.statusCode).toBe(401);
    const keyless = await t.service.app.inject({ method: 'POST', url: '/orders', headers: alice(), payload: { items: [{ productId: 'widget', quantity: 1 }] } });
    expect(keyless.json()).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED' });
  });

  it('validates items: empty list 400, unknown or inactive product 422, mixed currencies 422', async () => {
    expect((await place(`k-empty-${t.runId}`, [])).statusCode).toBe(400);
    const missing = await place(`k-missing-${t.runId}`, [{ productId: 'nope', quantity: 1 }, { productId: 'retired', quantity: 1 }]);
    expect(missing.json()).toMatchObject({ status: 422, code: 'PRODUCT_UNAVAILABLE', items: ['nope', 'retired'] });
    const mixed = await place(`k-mixed-${t.runId}`, [{ productId: 'widget', quantity: 1 }, { productId: 'dollar', quantity: 1 }]);
    expect(mixed.json()).toMatchObject({ status: 422, code: 'MIXED_CURRENCIES' });
  });
});

interface Page {
  items: { id: string; customerId: string }[];
  nextCursor: string | null;
}

describe('GET /orders/:id and GET /orders', () => {
  it('shows an order to its owner and an admin, 403 to another customer, 404 when unknown', async () => {
    const { id } = (await place(`k-read-${t.runId}`, [{ productId: 'widget', quantity: 1 }])).json<{ id: string }>();
    expect((await t.service.app.inject({ url: `/orders/${id}`, headers: alice() })).statusCode).toBe(200);
    expect((await t.service.app.inject({ url: `/orders/${id}`, headers: ADMIN })).statusCode).toBe(200);
    expect((await t.service.app.inject({ url: `/orders/${id}`, headers: bob })).json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const unknown = await t.service.app.inject({ url: '/orders/00000000-0000-4000-8000-000000000000', headers: alice() });
    expect(unknown.json()).toMatchObject({ status: 404, code: 'ORDER_NOT_FOUND' });
  });

  it("lists only the caller's orders, newest first, page by page with a cursor", async () => {
    const carol = { 'x-user-id': `carol-${t.runId}` };
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await place(`k-list-${n}`, [{ productId: 'widget', quantity: n + 1 }], carol)).json<{ id: string }>().id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = cursor ? { limit: '2', cursor } : { limit: '2' };
      const page: Page = (await t.service.app.inject({ url: '/orders', query, headers: carol })).json<Page>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.items.every((o) => o.customerId === carol['x-user-id'])).toBe(true);
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await t.service.app.inject({ url: '/orders', query: { cursor: 'garbage' }, headers: carol })).json()).toMatchObject({ code: 'CURSOR_INVALID' });
  });
});

describe('availability from inventory-service', () => {
  it('fails an order at once with "out of stock" when inventory shows too little: order.failed, and no order.created to reserve', async () => {
    t.origin.stock.set('gadget-scarce', 1);
    t.origin.products.set('gadget-scarce', { price: 1000, currency: 'EUR', active: true });
    const res = await place(`k-scarce-${t.runId}`, [{ productId: 'gadget-scarce', quantity: 2 }]);
    expect(res.statusCode).toBe(201);
    const order = res.json<{ id: string }>();
    expect(order).toMatchObject({ status: 'FAILED', failureReason: 'out of stock' });
    expect((await eventually(() => t.received.find((e) => e.subject === order.id && e.type === 'order.failed'))).data).toMatchObject({ reason: 'out of stock' });
    expect(t.received.some((e) => e.subject === order.id && e.type === 'order.created')).toBe(false);
    expect((await t.deps.store.transitions(t.deps.pool, order.id)).map((x) => `${x.to}:${x.reason ?? ''}`)).toEqual(['PENDING:', 'FAILED:out of stock']);
  });

  it('answers a fast 503 DEPENDENCY_UNAVAILABLE naming inventory-service when inventory fails, and stores nothing', async () => {
    t.origin.inventoryMode = 'error';
    try {
      const res = await place(`k-inv-down-${t.runId}`, [{ productId: 'widget', quantity: 1 }]);
      expect(res.json()).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'inventory-service' });
      const [rows] = await t.sql.query('SELECT COUNT(*) AS n FROM orders WHERE idempotency_key = ?', [`k-inv-down-${t.runId}`]);
      expect((rows as { n: number }[])[0]?.n).toBe(0);
    } finally {
      t.origin.inventoryMode = 'ok';
    }
  });
});

// Last in the file: these tests take the product origin away.
describe('product-service outage', () => {
  it('answers a fast 504 DEPENDENCY_TIMEOUT problem when product-service hangs, and stores nothing', async () => {
    t.origin.mode = 'hang';
    const started = Date.now();
    const res = await place(`k-hang-${t.runId}`, [{ productId: 'widget', quantity: 1 }]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.statusCode).toBe(504);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'DEPENDENCY_TIMEOUT', dependency: 'product-service' });
    const [rows] = await t.sql.query('SELECT COUNT(*) AS n FROM orders WHERE idempotency_key = ?', [`k-hang-${t.runId}`]);
    expect((rows as { n: number }[])[0]?.n).toBe(0);
  });

  it('answers a fast 503 DEPENDENCY_UNAVAILABLE problem when product-service fails or is down', async () => {
    t.origin.mode = 'error';
    const failing = await place(`k-500-${t.runId}`, [{ productId: 'widget', quantity: 1 }]);
    expect(failing.json()).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'product-service' });
    await t.origin.close();
    const started = Date.now();
    const down = await place(`k-down-${t.runId}`, [{ productId: 'widget', quantity: 1 }]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', dependency: 'product-service' });
  });
});
