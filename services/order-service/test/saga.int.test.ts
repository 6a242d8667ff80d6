import { createEvent } from '@nimbus/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, alice, eventually, startOrderService, type TestOrderService } from './support/harness.js';

let t: TestOrderService;

beforeAll(async () => {
  t = await startOrderService();
  t.origin.products.set('widget', { price: 250, currency: 'EUR', active: true });
});
afterAll(async () => {
  await t?.stop();
});

let seq = 0;
const placeOrder = async () => {
  const res = await t.service.app.inject({ method: 'POST', url: '/orders', headers: { ...alice(), 'idempotency-key': `saga-${seq++}` }, payload: { items: [{ productId: 'widget', quantity: 2 }] } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; createdAt: string }>();
};
// The test plays inventory-service on the live broker.
const inventory = (type: string, orderId: string, items: unknown[] = [{ productId: 'widget', quantity: 2 }]) =>
  createEvent({ type, source: 'inventory-service', subject: orderId, data: { orderId, items } });
const statusOf = async (id: string) => (await t.service.app.inject({ url: `/orders/${id}`, headers: alice() })).json<{ status: string; failureReason: string | null }>();
const reaches = (id: string, status: string) => eventually(async () => ((await statusOf(id)).status === status ? statusOf(id) : undefined));
const eventFor = (id: string, type: string) => eventually(() => t.received.find((e) => e.subject === id && e.type === type));
const countOf = (id: string, type: string) => t.received.filter((e) => e.subject === id && e.type === type).length;
const settle = () => new Promise((r) => setTimeout(r, 700));

describe('order saga over live RabbitMQ', () => {
  it('confirms on inventory.reserved, passing through RESERVED, and announces order.confirmed', async () => {
    const { id } = await placeOrder();
    await t.bus.publish(t.inventoryTopic, inventory('inventory.reserved', id));
    expect(await reaches(id, 'CONFIRMED')).toMatchObject({ failureReason: null });
    expect((await eventFor(id, 'order.confirmed')).data).toMatchObject({ orderId: id, customerEmail: 'alice@example.test', total: { amount: 500, currency: 'EUR' } });
    expect((await t.deps.store.transitions(t.deps.pool, id)).map((x) => x.to)).toEqual(['PENDING', 'RESERVED', 'CONFIRMED']);
  });

  it('fails with the reason "out of stock" on inventory.rejected and announces order.failed', async () => {
    const { id } = await placeOrder();
    await t.bus.publish(t.inventoryTopic, inventory('inventory.rejected', id, [{ productId: 'widget', quantity: 2, available: 1, reason: 'out of stock' }]));
    expect(await reaches(id, 'FAILED')).toMatchObject({ failureReason: 'out of stock' });
    expect((await eventFor(id, 'order.failed')).data).toMatchObject({ orderId: id, reason: 'out of stock' });
    await settle();
    // Nothing was reserved, so nothing to compensate.
    expect(countOf(id, 'order.cancelled')).toBe(0);
  });

  it('applies a redelivered inventory.reserved once: one order.confirmed', async () => {
    const { id } = await placeOrder();
    const event = inventory('inventory.reserved', id);
    await t.bus.publish(t.inventoryTopic, event);
    await t.bus.publish(t.inventoryTopic, event);
    await reaches(id, 'CONFIRMED');
    await settle();
    expect(countOf(id, 'order.confirmed')).toBe(1);
  });

  it('cancels a pending order on POST /orders/:id/cancel and announces order.cancelled so inventory releases', async () => {
    const { id } = await placeOrder();
    const res = await t.service.app.inject({ method: 'POST', url: `/orders/${id}/cancel`, headers: alice() });
    expect(res.json()).toMatchObject({ id, status: 'CANCELLED' });
    expect((await eventFor(id, 'order.cancelled')).data).toMatchObject({ orderId: id, reason: 'cancelled by customer', items: [{ productId: 'widget', quantity: 2 }] });
    // A retried cancel answers the cancelled order and announces nothing new.
    expect((await t.service.app.inject({ method: 'POST', url: `/orders/${id}/cancel`, headers: alice() })).statusCode).toBe(200);
    await settle();
    expect(countOf(id, 'order.cancelled')).toBe(1);
  });

  it('cancels a confirmed order (inventory still holds its stock) with order.cancelled; another customer gets 403', async () => {
    const { id } = await placeOrder();
    expect((await t.service.app.inject({ method: 'POST', url: `/orders/${id}/cancel`, headers: { 'x-user-id': 'mallory' } })).statusCode).toBe(403);
    await t.bus.publish(t.inventoryTopic, inventory('inventory.reserved', id));
    await reaches(id, 'CONFIRMED');
    const res = await t.service.app.inject({ method: 'POST', url: `/orders/${id}/cancel`, headers: alice() });
    expect(res.json()).toMatchObject({ id, status: 'CANCELLED' });
    expect((await eventFor(id, 'order.cancelled')).data).toMatchObject({ reason: 'cancelled by customer' });
  });

  it('completes a confirmed order for an admin only (order.completed), then refuses to cancel it with 409 ORDER_NOT_CANCELLABLE', async () => {
    const { id } = await placeOrder();
    const early = await t.service.app.inject({ method: 'POST', url: `/orders/${id}/complete`, headers: ADMIN });
    expect(early.json()).toMatchObject({ status: 409, code: 'ORDER_NOT_COMPLETABLE', orderStatus: 'PENDING' });
    await t.bus.publish(t.inventoryTopic, inventory('inventory.reserved', id));
    await reaches(id, 'CONFIRMED');
    expect((await t.service.app.inject({ method: 'POST', url: `/orders/${id}/complete`, headers: alice() })).statusCode).toBe(403);
    expect((await t.service.app.inject({ method: 'POST', url: `/orders/${id}/complete`, headers: ADMIN })).json()).toMatchObject({ id, status: 'COMPLETED' });
    expect((await eventFor(id, 'order.completed')).data).toMatchObject({ orderId: id, items: [{ productId: 'widget', quantity: 2 }] });
    // A retried complete answers the completed order.
    expect((await t.service.app.inject({ method: 'POST', url: `/orders/${id}/complete`, headers: ADMIN })).statusCode).toBe(200);
    const res = await t.service.app.inject({ method: 'POST', url: `/orders/${id}/cancel`, headers: alice() });
    expect(res.json()).toMatchObject({ status: 409, code: 'ORDER_NOT_CANCELLABLE', orderStatus: 'COMPLETED' });
  });

  it('compensates a reservation that arrives after the order was cancelled', async () => {
    const { id } = await placeOrder();
    await t.service.app.inject({ method: 'POST', url: `/orders/${id}/cancel`, headers: alice() });
    await t.bus.publish(t.inventoryTopic, inventory('inventory.reserved', id));
    await eventually(() => (countOf(id, 'order.cancelled') === 2 ? true : undefined));
    expect(t.received.filter((e) => e.subject === id && e.type === 'order.cancelled').map((e) => e.data['reason'])).toEqual(['cancelled by customer', 'compensation']);
    expect((await statusOf(id)).status).toBe('CANCELLED');
    expect(countOf(id, 'order.confirmed')).toBe(0);
  });

  it('times out an order inventory never answered: FAILED "timeout", order.failed and order.cancelled as compensation', async () => {
    const { id, createdAt } = await placeOrder();
    const pendingTimeoutMs = t.service.ctx.settings.orders.pendingTimeoutMs;
    // Sweep as of a clock just before and just past the deadline.
    expect(await t.deps.sweeper.sweep(new Date(Date.parse(createdAt) + pendingTimeoutMs - 1_000))).toBe(0);
    expect(await t.deps.sweeper.sweep(new Date(Date.parse(createdAt) + pendingTimeoutMs + 1))).toBeGreaterThanOrEqual(1);
    expect(await statusOf(id)).toMatchObject({ status: 'FAILED', failureReason: 'timeout' });
    expect((await eventFor(id, 'order.failed')).data).toMatchObject({ reason: 'timeout' });
    expect((await eventFor(id, 'order.cancelled')).data).toMatchObject({ reason: 'timeout' });
  });
});
