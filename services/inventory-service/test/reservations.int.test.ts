import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import type { RowDataPacket } from 'mysql2/promise';
import { ADMIN, CUSTOMER, ORDER_SERVICE, startInventoryService, type TestInventoryService } from './support/harness.js';

let t: TestInventoryService;
const inject = (opts: InjectOptions) => t.service.app.inject(opts);
const setStock = async (productId: string, available: number) => {
  const res = await inject({ method: 'PUT', url: `/inventory/${productId}`, headers: ADMIN, payload: { available } });
  expect(res.statusCode, res.body).toBe(200);
};
const stockOf = async (productId: string) => (await inject({ url: `/inventory/${productId}` })).json<{ available: number; reserved: number }>();
const reserve = (orderId: string, items: { productId: string; quantity: number }[]) =>
  inject({ method: 'POST', url: '/reservations', headers: ORDER_SERVICE, payload: { orderId, items } });

beforeAll(async () => {
  t = await startInventoryService();
});
afterAll(async () => {
  await t?.stop();
});

describe('inventory-service reservations on live MariaDB', () => {
  it('reports itself ready under its own name, with MariaDB and the broker up', async () => {
    const res = await inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'UP', service: 'inventory-service' });
  });

  it('never oversells: 200 parallel orders of 1 unit against 50 in stock reserve exactly 50', async () => {
    await setStock('hot-item', 50);
    // Sample the row while the race runs: it must never be seen below zero.
    let racing = true;
    const seen: number[] = [];
    const sampler = (async () => {
      while (racing) {
        const [rows] = await t.sql.query<RowDataPacket[]>("SELECT available FROM stock WHERE product_id = 'hot-item'");
        seen.push(Number(rows[0]!['available']));
      }
    })();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => reserve(`race-${i}`, [{ productId: 'hot-item', quantity: 1 }])));
    racing = false;
    await sampler;
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    const ok = results.filter((r) => r.statusCode === 201);
    const rejected = results.filter((r) => r.statusCode === 409);
    expect(ok).toHaveLength(50);
    expect(rejected).toHaveLength(150);
    for (const r of rejected) {
      expect(r.json()).toMatchObject({ code: 'OUT_OF_STOCK', items: [{ productId: 'hot-item', quantity: 1, available: 0, reason: 'out of stock' }] });
    }
    expect(await stockOf('hot-item')).toMatchObject({ available: 0, reserved: 50 });
    const [rows] = await t.sql.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM reservations WHERE status = 'reserved'");
    expect(Number(rows[0]!['n'])).toBe(50);
  });

  it('keeps the CHECK constraint as the last guard: stock can never be written negative', async () => {
    await setStock('guarded', 1);
    await expect(t.sql.query("UPDATE stock SET available = available - 2 WHERE product_id = 'guarded'")).rejects.toThrow(/stock_available_not_negative/);
    expect(await stockOf('guarded')).toMatchObject({ available: 1 });
  });

  it('reserves all items of an order or none, with a reason per missing item', async () => {
    await setStock('plenty', 10);
    await setStock('scarce', 1);
    const res = await reserve('all-or-none', [{ productId: 'plenty', quantity: 3 }, { productId: 'scarce', quantity: 2 }, { productId: 'ghost', quantity: 1 }]);
    expect(res.statusCode).toBe(409);
    expect(res.json<{ items: unknown[] }>().items).toEqual([
      { productId: 'ghost', quantity: 1, available: 0, reason: 'unknown product' },
      { productId: 'scarce', quantity: 2, available: 1, reason: 'out of stock' },
    ]);
    expect(await stockOf('plenty')).toMatchObject({ available: 10, reserved: 0 });
    expect(await stockOf('scarce')).toMatchObject({ available: 1, reserved: 0 });
  });

  it('returns the existing reservation when an order is reserved twice', async () => {
    await setStock('twice', 5);
    expect((await reserve('order-twice', [{ productId: 'twice', quantity: 2 }])).statusCode).toBe(201);
    const again = await reserve('order-twice', [{ productId: 'twice', quantity: 2 }]);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ orderId: 'order-twice', status: 'reserved' });
    expect(await stockOf('twice')).toMatchObject({ available: 3, reserved: 2 });
  });

  it('release returns the units; commit removes them for good; each is idempotent and they exclude each other', async () => {
    await setStock('lifecycle', 10);
    await reserve('o-release', [{ productId: 'lifecycle', quantity: 4 }]);
    await reserve('o-commit', [{ productId: 'lifecycle', quantity: 3 }]);
    expect(await stockOf('lifecycle')).toMatchObject({ available: 3, reserved: 7 });

    for (let i = 0; i < 2; i++) {
      const released = await inject({ method: 'POST', url: '/reservations/o-release/release', headers: ORDER_SERVICE });
      expect(released.statusCode).toBe(200);
      expect(released.json()).toMatchObject({ status: 'released' });
    }
    for (let i = 0; i < 2; i++) {
      expect((await inject({ method: 'POST', url: '/reservations/o-commit/commit', headers: ORDER_SERVICE })).json()).toMatchObject({ status: 'committed' });
    }
    expect(await stockOf('lifecycle')).toMatchObject({ available: 7, reserved: 0 });

    const late = await inject({ method: 'POST', url: '/reservations/o-commit/release', headers: ORDER_SERVICE });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'RESERVATION_NOT_ACTIVE' });
    const missing = await inject({ method: 'POST', url: '/reservations/nope/commit', headers: ORDER_SERVICE });
    expect(missing.statusCode).toBe(404);
  });
});

describe('inventory-service access', () => {
  it('answers 401 without identity and 403 to a non-admin setting stock or a customer reserving', async () => {
    expect((await inject({ method: 'PUT', url: '/inventory/x', payload: { available: 1 } })).statusCode).toBe(401);
    const forbidden = await inject({ method: 'PUT', url: '/inventory/x', headers: CUSTOMER, payload: { available: 1 } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await inject({ method: 'POST', url: '/reservations', headers: CUSTOMER, payload: { orderId: 'o', items: [{ productId: 'x', quantity: 1 }] } })).statusCode).toBe(403);
  });

  it('answers 404 STOCK_NOT_FOUND for a product with no stock record', async () => {
    const res = await inject({ url: '/inventory/never-stocked' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'STOCK_NOT_FOUND' });
  });
});
