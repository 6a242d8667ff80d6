import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildService, createEventBus, silentLogger, type BuiltService, type CloudEvent, type EventBus, type Flat, type KitSettings } from '@nimbus/kit';
import mysql from 'mysql2/promise';
import { Registry } from 'prom-client';
import { service as definition, type OrderDeps } from '../../src/app.js';
import type { Settings } from '../../src/settings.js';
import { deleteRabbitObjects, endpoints, isolatedService, testRunId, dropTestDatabase, mysqlTestConnection } from '@nimbus/kit/testing';

export const env = endpoints;

export interface FakeProduct {
  price: number;
  currency: string;
  active: boolean;
}

type Mode = 'ok' | 'hang' | 'error';

/**
 * A real HTTP origin on 127.0.0.1:0 answering GET /products/:id the way
 * product-service does and GET /inventory/:id the way inventory-service does
 * (running them would need MongoDB and their own boot); order-service
 * reaches it through the kit client in discovery static mode. `mode` and
 * `inventoryMode` make either API hang or answer 500, to test the policies.
 * A product without a `stock` entry has plenty.
 */
export class ProductOrigin {
  readonly products = new Map<string, FakeProduct>();
  readonly stock = new Map<string, number>();
  mode: Mode = 'ok';
  inventoryMode: Mode = 'ok';
  requests = 0;
  inventoryRequests = 0;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<ProductOrigin> {
    const server = createServer();
    const origin = new ProductOrigin(server);
    server.on('request', (req, res) => {
      const stockOf = /^\/inventory\/([^/?]+)/.exec(req.url ?? '')?.[1];
      if (stockOf !== undefined) {
        origin.inventoryRequests++;
        if (origin.inventoryMode === 'hang') return;
        if (origin.inventoryMode === 'error') return void res.writeHead(500).end();
        const productId = decodeURIComponent(stockOf);
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify({ productId, available: origin.stock.get(productId) ?? 1_000_000, reserved: 0 }));
      }
      origin.requests++;
      if (origin.mode === 'hang') return;
      if (origin.mode === 'error') return void res.writeHead(500).end();
      const id = decodeURIComponent(/^\/products\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
      const p = origin.products.get(id);
      res.setHeader('content-type', 'application/json');
      if (!p) return void res.writeHead(404).end(JSON.stringify({ code: 'PRODUCT_NOT_FOUND', status: 404 }));
      const now = new Date().toISOString();
      res.end(JSON.stringify({ id, sku: id, name: id, description: '', category: 'test', createdAt: now, updatedAt: now, ...p }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return origin;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export interface TestOrderService {
  service: BuiltService<KitSettings & Settings>;
  deps: OrderDeps;
  origin: ProductOrigin;
  runId: string;
  ordersTopic: string;
  inventoryTopic: string;
  /** A bus playing inventory-service: publish inventory events, see the order events. */
  bus: EventBus;
  received: CloudEvent<Record<string, unknown>>[];
  sql: mysql.Connection;
  stop(): Promise<void>;
}

/**
 * order-service on live MariaDB and RabbitMQ with its own database, topics
 * and consumer group, prices from a ProductOrigin; stop() drops the database
 * and the broker objects.
 */
export async function startOrderService(overrides: Flat = {}): Promise<TestOrderService> {
  const runId = testRunId();
  const database = `nimbus_orders_test_${runId}`;
  const ordersTopic = `nimbus-test.orders.${runId}`;
  const inventoryTopic = `nimbus-test.inventory.${runId}`;
  const origin = await ProductOrigin.start();
  let deps: OrderDeps | undefined;
  // The definition with its routes step wrapped, so the test can reach setup's deps (the sweeper).
  const service = await buildService(
    {
      ...definition,
      routes: async (app, ctx, d) => {
        deps = d;
        await definition.routes(app, ctx, d);
      },
    },
    isolatedService(
      { MYSQL_URL: env['MYSQL_URL'], RABBITMQ_URL: env['RABBITMQ_URL'] },
      {
        'mysql.database': database,
        'orders.topic': ordersTopic,
        'orders.inventoryTopic': inventoryTopic,
        'orders.consumerGroup': `order-test-${runId}`,
        'discovery.mode': 'static',
        'discovery.static.services': { 'product-service': [origin.url], 'inventory-service': [origin.url] },
        'client.services': {
          'product-service': { timeoutMs: 300, retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 20 }, breaker: { consecutiveFailures: 1000 } },
          'inventory-service': { timeoutMs: 300, retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 20 }, breaker: { consecutiveFailures: 1000 } },
        },
        ...overrides,
      },
    ),
  );
  const bus = createEventBus(service.ctx.settings.events, { service: 'order-service-test', logger: silentLogger, registry: new Registry() });
  const received: CloudEvent<Record<string, unknown>>[] = [];
  bus.subscribe(ordersTopic, `listener-${runId}`, async (event) => void received.push(event as CloudEvent<Record<string, unknown>>));
  await bus.start();
  const sql = await mysqlTestConnection(database);
  if (!deps) throw new Error('order-service did not expose its deps');
  return {
    service: service as unknown as BuiltService<KitSettings & Settings>,
    deps,
    origin,
    runId,
    ordersTopic,
    inventoryTopic,
    bus,
    received,
    sql,
    async stop() {
      await bus.close();
      await service.stop();
      await origin.close();
      await dropTestDatabase(database, sql);
      await deleteRabbitObjects(runId);
    },
  };
}

export const alice = (extra: Record<string, string> = {}) => ({ 'x-user-id': 'alice', 'x-user-roles': 'customer', 'x-user-email': 'alice@example.test', ...extra });
export const bob = { 'x-user-id': 'bob', 'x-user-roles': 'customer' };
export const ADMIN = { 'x-user-id': 'admin-1', 'x-user-roles': 'admin' };

export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
