import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ORDER_SERVICE, eventually, startInventoryService, type TestInventoryService } from './support/harness.js';

let t: TestInventoryService;

beforeAll(async () => {
  t = await startInventoryService({ 'inventory.reservationTtlMs': 500, 'inventory.sweepIntervalMs': 100 });
});
afterAll(async () => {
  await t?.stop();
});

describe('inventory-service reservation expiry', () => {
  it('releases the stock of a reservation nobody committed once its time is up', async () => {
    const { app } = t.service;
    await app.inject({ method: 'PUT', url: '/inventory/perishable', headers: ADMIN, payload: { available: 5 } });
    const reserved = await app.inject({ method: 'POST', url: '/reservations', headers: ORDER_SERVICE, payload: { orderId: 'slow-order', items: [{ productId: 'perishable', quantity: 4 }] } });
    expect(reserved.statusCode).toBe(201);
    expect((await app.inject({ url: '/inventory/perishable' })).json()).toMatchObject({ available: 1, reserved: 4 });

    await eventually(async () => ((await app.inject({ url: '/inventory/perishable' })).json<{ available: number }>().available === 5 ? true : undefined), 10_000);
    expect((await app.inject({ url: '/inventory/perishable' })).json()).toMatchObject({ available: 5, reserved: 0 });
    const status = await app.inject({ url: '/reservations/slow-order', headers: ORDER_SERVICE });
    expect(status.json()).toMatchObject({ status: 'expired' });
    // An expired reservation can no longer be committed.
    const commit = await app.inject({ method: 'POST', url: '/reservations/slow-order/commit', headers: ORDER_SERVICE });
    expect(commit.statusCode).toBe(409);
    expect(commit.json()).toMatchObject({ code: 'RESERVATION_NOT_ACTIVE' });
  });

  it('leaves a committed reservation alone after its expiry', async () => {
    const { app } = t.service;
    await app.inject({ method: 'PUT', url: '/inventory/sold', headers: ADMIN, payload: { available: 3 } });
    await app.inject({ method: 'POST', url: '/reservations', headers: ORDER_SERVICE, payload: { orderId: 'quick-order', items: [{ productId: 'sold', quantity: 2 }] } });
    expect((await app.inject({ method: 'POST', url: '/reservations/quick-order/commit', headers: ORDER_SERVICE })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 900));
    expect((await app.inject({ url: '/inventory/sold' })).json()).toMatchObject({ available: 1, reserved: 0 });
  });

  it('keeps a confirmed reservation past its expiry: the order was confirmed, only completion or cancellation ends the hold', async () => {
    const { app } = t.service;
    await app.inject({ method: 'PUT', url: '/inventory/held', headers: ADMIN, payload: { available: 3 } });
    await app.inject({ method: 'POST', url: '/reservations', headers: ORDER_SERVICE, payload: { orderId: 'confirmed-order', items: [{ productId: 'held', quantity: 2 }] } });
    expect((await app.inject({ method: 'POST', url: '/reservations/confirmed-order/confirm', headers: ORDER_SERVICE })).json()).toMatchObject({ status: 'confirmed' });
    await new Promise((r) => setTimeout(r, 900));
    expect((await app.inject({ url: '/inventory/held' })).json()).toMatchObject({ available: 1, reserved: 2 });
    expect((await app.inject({ url: '/reservations/confirmed-order', headers: ORDER_SERVICE })).json()).toMatchObject({ status: 'confirmed' });
  });
});
