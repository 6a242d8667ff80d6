import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, silentLogger, type CloudEvent, type EventBus } from '@nimbus/kit';
import type { InjectOptions } from 'fastify';
import { MongoClient } from 'mongodb';
import { Registry } from 'prom-client';
import type { Product } from '../src/domain/product.js';
import { isolatedService } from '@nimbus/kit/testing';
import { buildApp } from '../src/app.js';
import { ADMIN, CUSTOMER, env, startProductService, type TestProductService } from './support/harness.js';

let t: TestProductService;
let listener: EventBus;
const received: CloudEvent<Product>[] = [];

const inject = (opts: InjectOptions) => t.service.app.inject(opts);
const create = async (body: Record<string, unknown>) => {
  const res = await inject({ method: 'POST', url: '/products', headers: ADMIN, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Product>();
};
const product = (sku: string, over: Record<string, unknown> = {}) => ({ sku, name: `Product ${sku}`, description: 'plain', price: 1000, currency: 'EUR', category: 'misc', ...over });

async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  t = await startProductService();
  listener = createEventBus(t.service.ctx.settings.events, { service: 'product-service-test', logger: silentLogger, registry: new Registry() });
  listener.subscribe<Product>(t.topic, `${t.topic}.listener`, async (event) => void received.push(event));
  await listener.start();
});

afterAll(async () => {
  await listener?.close();
  await t?.stop();
});

describe('product-service catalog on live FerretDB', () => {
  it('boots again on a database whose indexes already exist (a restart)', async () => {
    const again = await buildApp(isolatedService({ MONGODB_URL: env['MONGODB_URL'], RABBITMQ_URL: env['RABBITMQ_URL'] }, { 'mongo.database': t.database, 'catalog.topic': t.topic }));
    try {
      expect((await again.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    } finally {
      await again.stop();
    }
  });

  it('reports itself ready under its own name, with MongoDB and the broker up', async () => {
    const res = await inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'UP', service: 'product-service' });
  });

  it('creates, reads, updates and deactivates a product, announcing each change as an event', async () => {
    const created = await create(product('CRUD-1', { name: 'Blue Mug', price: 1299 }));
    expect(created).toMatchObject({ sku: 'CRUD-1', name: 'Blue Mug', price: 1299, currency: 'EUR', active: true });

    const read = await inject({ url: `/products/${created.id}` });
    expect(read.json()).toEqual(created);

    const patched = await inject({ method: 'PATCH', url: `/products/${created.id}`, headers: ADMIN, payload: { price: 1499 } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ price: 1499, name: 'Blue Mug' });

    const deleted = await inject({ method: 'DELETE', url: `/products/${created.id}`, headers: ADMIN });
    expect(deleted.statusCode).toBe(204);
    expect((await inject({ url: `/products/${created.id}` })).statusCode).toBe(404);
    expect((await inject({ url: `/products/${created.id}`, headers: ADMIN })).json()).toMatchObject({ active: false });

    await eventually(() => received.filter((e) => e.subject === created.id).length >= 3);
    const mine = received.filter((e) => e.subject === created.id);
    expect(mine.map((e) => e.type)).toEqual(['product.created', 'product.updated', 'product.deactivated']);
    expect(mine[1]!.data.price).toBe(1499);
    // Published events leave the document's outbox.
    const mongo = new MongoClient(env['MONGODB_URL']!);
    try {
      const docs = mongo.db(t.database).collection<{ _id: string; outbox: unknown[]; outboxPending: boolean }>('products');
      let doc = await docs.findOne({ _id: created.id });
      for (let i = 0; i < 100 && doc?.outboxPending; i++) {
        await new Promise((r) => setTimeout(r, 50));
        doc = await docs.findOne({ _id: created.id });
      }
      expect(doc).toMatchObject({ outbox: [], outboxPending: false });
    } finally {
      await mongo.close();
    }
  });

  it('refuses a second product with the same sku (409 SKU_TAKEN)', async () => {
    await create(product('DUP-1'));
    const res = await inject({ method: 'POST', url: '/products', headers: ADMIN, payload: product('DUP-1') });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'SKU_TAKEN' });
  });

  it('pages through results with an opaque cursor, without gaps or repeats', async () => {
    const skus = Array.from({ length: 7 }, (_, i) => `PAGE-${i}`);
    for (const [i, sku] of skus.entries()) await create(product(sku, { category: 'paging', price: 100 * (i % 3) }));
    for (const sort of ['createdAt', 'price', 'name']) {
      const seen: Product[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string> = { category: 'paging', limit: '3', sort, ...(cursor && { cursor }) };
        const res = await inject({ url: '/products', query });
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json<{ items: Product[]; nextCursor: string | null }>();
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen.map((p) => p.sku).sort()).toEqual([...skus].sort());
      if (sort === 'price') expect(seen.map((p) => p.price)).toEqual([...seen.map((p) => p.price)].sort((a, b) => a - b));
    }
  });

  it('rejects a cursor that was tampered with (400 CURSOR_INVALID)', async () => {
    const res = await inject({ url: '/products', query: { cursor: 'eyJub3QiOiJvdXJzIn0' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'CURSOR_INVALID' });
  });

  it('filters by category and price range', async () => {
    await create(product('F-1', { category: 'filter-a', price: 500 }));
    await create(product('F-2', { category: 'filter-a', price: 1500 }));
    await create(product('F-3', { category: 'filter-a', price: 2500 }));
    await create(product('F-4', { category: 'filter-b', price: 1500 }));
    const res = await inject({ url: '/products', query: { category: 'filter-a', minPrice: '1000', maxPrice: '2500' } });
    expect(res.json<{ items: Product[] }>().items.map((p) => p.sku).sort()).toEqual(['F-2', 'F-3']);
  });

  it('searches name and description case-insensitively, treating regex characters literally', async () => {
    await create(product('S-1', { category: 'search', name: 'Espresso Cup (large)', description: 'porcelain' }));
    await create(product('S-2', { category: 'search', name: 'Tea pot', description: 'holds an ESPRESSO too' }));
    await create(product('S-3', { category: 'search', name: 'Plate', description: 'flat' }));
    const found = await inject({ url: '/products', query: { category: 'search', q: 'espresso' } });
    expect(found.json<{ items: Product[] }>().items.map((p) => p.sku).sort()).toEqual(['S-1', 'S-2']);
    const literal = await inject({ url: '/products', query: { category: 'search', q: '(large)' } });
    expect(literal.json<{ items: Product[] }>().items.map((p) => p.sku)).toEqual(['S-1']);
    const dotStar = await inject({ url: '/products', query: { category: 'search', q: '.*' } });
    expect(dotStar.json<{ items: Product[] }>().items).toEqual([]);
  });
});

describe('product-service access and injection', () => {
  it('answers 401 to a write without identity and 403 to a non-admin', async () => {
    const anonymous = await inject({ method: 'POST', url: '/products', payload: product('AUTH-1') });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const customer = await inject({ method: 'POST', url: '/products', headers: CUSTOMER, payload: product('AUTH-1') });
    expect(customer.statusCode).toBe(403);
    expect(customer.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await inject({ url: '/products', query: { q: 'AUTH-1' } })).json<{ items: Product[] }>().items).toEqual([]);
  });

  it('rejects $ne in a body (400) and writes nothing', async () => {
    const res = await inject({ method: 'POST', url: '/products', headers: ADMIN, payload: { ...product('INJ-1'), category: { $ne: '' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'QUERY_OPERATOR_REJECTED' });
    const patch = await inject({ method: 'PATCH', url: '/products/x', headers: ADMIN, payload: { $set: { active: false } } });
    expect(patch.statusCode).toBe(400);
  });

  it('rejects $ne in the query string (400) instead of widening the filter', async () => {
    const res = await inject({ url: '/products?category[$ne]=nothing' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'QUERY_OPERATOR_REJECTED' });
  });
});
