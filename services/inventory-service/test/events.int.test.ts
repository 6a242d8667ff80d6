import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createEventBus, silentLogger, type CloudEvent, type EventBus } from '@nimbus/kit';
import { Registry } from 'prom-client';
import { ADMIN, ORDER_SERVICE, eventually, startInventoryService, type TestInventoryService } from './support/harness.js';

let t: TestInventoryService;
let bus: EventBus;
const received: CloudEvent<{ orderId: string; items: { productId: string; quantity: number; reason?: string }[] }>[] = [];

beforeAll(async () => {
  t = await startInventoryService();
  // The test plays the order service: it publishes order events and listens to inventory's.
  bus = createEventBus(t.service.ctx.settings.events, { service: 'inventory-service-test', logger: silentLogger, registry: new Registry() });
  bus.subscribe(t.inventoryTopic, `listener-${t.runId}`, async (event) => void received.push(event as (typeof received)[number]));
  await bus.start();
});
afterAll(async () => {
  await bus?.close();
  await t?.stop();
});

const order = (orderId: string, type: string, items?: { productId: string; quantity: number }[]) =>
  createEvent({ type, source: 'order-service', subject: orderId, data: { orderId, ...(items && { items }) } });
const eventFor = (orderId: string, type: string) => eventually(() => received.find((e) => e.subject === orderId && e.type === type));
const reservationOf = async (orderId: string) => (await t.service.app.inject({ url: `/reservations/${orderId}`, headers: ORDER_SERVICE })).json<{ status: string }>();
const stockOf = async (productId: string) => (await t.service.app.inject({ url: `/inventory/${productId}` })).json<{ available: number; reserved: number }>();

describe('inventory-service order events over live RabbitMQ', () => {
  it('answers order.created with inventory.reserved when every item is in stock', async () => {
    await t.service.app.inject({ method: 'PUT', url: '/inventory/widget', headers: ADMIN, payload: { available: 5 } });
    await bus.publish(t.ordersTopic, order('evt-order-1', 'order.created', [{ productId: 'widget', quantity: 2 }]));
    const reserved = await eventFor('evt-order-1', 'inventory.reserved');
    expect(reserved.data).toMatchObject({ orderId: 'evt-order-1', items: [{ productId: 'widget', quantity: 2 }] });
    expect(reserved.source).toBe('inventory-service');
    expect(await stockOf('widget')).toMatchObject({ available: 3, reserved: 2 });
  });

  it('answers order.created with inventory.rejected and the reason per item when stock is short', async () => {
    await t.service.app.inject({ method: 'PUT', url: '/inventory/gadget', headers: ADMIN, payload: { available: 1 } });
    await bus.publish(t.ordersTopic, order('evt-order-2', 'order.created', [{ productId: 'gadget', quantity: 3 }]));
    const rejected = await eventFor('evt-order-2', 'inventory.rejected');
    expect(rejected.data.items).toEqual([{ productId: 'gadget', quantity: 3, available: 1, reason: 'out of stock' }]);
    expect(await stockOf('gadget')).toMatchObject({ available: 1, reserved: 0 });
  });

  it('applies a redelivered order.created once (idempotent consumer)', async () => {
    await t.service.app.inject({ method: 'PUT', url: '/inventory/sprocket', headers: ADMIN, payload: { available: 10 } });
    const event = order('evt-order-3', 'order.created', [{ productId: 'sprocket', quantity: 4 }]);
    await bus.publish(t.ordersTopic, event);
    await bus.publish(t.ordersTopic, event);
    await eventFor('evt-order-3', 'inventory.reserved');
    // Give the duplicate time to arrive and be acknowledged without effect.
    await new Promise((r) => setTimeout(r, 500));
    expect(await stockOf('sprocket')).toMatchObject({ available: 6, reserved: 4 });
    expect(received.filter((e) => e.subject === 'evt-order-3' && e.type === 'inventory.reserved')).toHaveLength(1);
  });

  it('releases on order.cancelled, holds on order.confirmed and commits on order.completed', async () => {
    await t.service.app.inject({ method: 'PUT', url: '/inventory/gear', headers: ADMIN, payload: { available: 10 } });
    await bus.publish(t.ordersTopic, order('evt-cancel', 'order.created', [{ productId: 'gear', quantity: 3 }]));
    await bus.publish(t.ordersTopic, order('evt-confirm', 'order.created', [{ productId: 'gear', quantity: 2 }]));
    await eventFor('evt-cancel', 'inventory.reserved');
    await eventFor('evt-confirm', 'inventory.reserved');
    await bus.publish(t.ordersTopic, order('evt-cancel', 'order.cancelled'));
    await bus.publish(t.ordersTopic, order('evt-confirm', 'order.confirmed'));
    await eventFor('evt-cancel', 'inventory.released');
    await eventually(async () => ((await reservationOf('evt-confirm')).status === 'confirmed' ? true : undefined));
    expect(await stockOf('gear')).toMatchObject({ available: 8, reserved: 2 });
    await bus.publish(t.ordersTopic, order('evt-confirm', 'order.completed'));
    await eventFor('evt-confirm', 'inventory.committed');
    expect(await stockOf('gear')).toMatchObject({ available: 8, reserved: 0 });
  });

  it('returns the stock of a confirmed order that is cancelled', async () => {
    await t.service.app.inject({ method: 'PUT', url: '/inventory/bolt', headers: ADMIN, payload: { available: 4 } });
    await bus.publish(t.ordersTopic, order('evt-regret', 'order.created', [{ productId: 'bolt', quantity: 4 }]));
    await eventFor('evt-regret', 'inventory.reserved');
    await bus.publish(t.ordersTopic, order('evt-regret', 'order.confirmed'));
    await eventually(async () => ((await reservationOf('evt-regret')).status === 'confirmed' ? true : undefined));
    expect(await stockOf('bolt')).toMatchObject({ available: 0, reserved: 4 });
    await bus.publish(t.ordersTopic, order('evt-regret', 'order.cancelled'));
    await eventFor('evt-regret', 'inventory.released');
    expect(await stockOf('bolt')).toMatchObject({ available: 4, reserved: 0 });
  });
});
