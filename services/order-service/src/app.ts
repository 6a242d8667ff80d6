import {
  buildService,
  createOutbox,
  migrate,
  migrateEventTables,
  migrationsDir,
  openPool,
  useEventBus,
  useOutboxRelay,
  useServiceClient,
  type BuildOptions,
  type ServiceDefinition,
} from '@nimbus/kit';
import { AvailabilityLookup } from './clients/inventory.js';
import { PriceLookup } from './clients/products.js';
import { subscribeInventoryEvents } from './events/inventory-consumer.js';
import { TimeoutSweeper } from './events/timeout-sweeper.js';
import { registerRoutes, type RouteDeps } from './routes/index.js';
import { Settings } from './settings.js';
import { OrderStore } from './store/orders.js';

export { Settings } from './settings.js';

export interface OrderDeps extends RouteDeps {
  sweeper: TimeoutSweeper;
}

export const service: ServiceDefinition<typeof Settings, OrderDeps> = {
  name: 'order-service',
  version: '0.1.0',
  description: 'Orders on MySQL; drives the order saga.',
  settings: Settings,
  defaults: { 'server.port': 8082 },
  bootstrapEnv: { MYSQL_URL: 'mysql.url' },
  async setup(ctx) {
    const { mysql, orders } = ctx.settings;
    const pool = await openPool(mysql);
    ctx.onClose({ name: 'mysql', close: () => pool.end() });
    ctx.health.add({ name: 'mysql', check: async () => void (await pool.query('SELECT 1')) });
    await migrate(pool, mysql, { dir: migrationsDir(import.meta.url), schemaTable: 'order_schema_version' });
    await migrateEventTables(pool);

    const { client } = await useServiceClient(ctx, [orders.productService, orders.inventoryService]);
    const prices = new PriceLookup({ client, target: orders.productService });
    const availability = new AvailabilityLookup({ client, target: orders.inventoryService });
    const store = new OrderStore({ outbox: createOutbox(), topic: orders.topic, source: ctx.name });
    const bus = useEventBus(ctx);
    const relay = useOutboxRelay(ctx, pool, bus);
    subscribeInventoryEvents({ bus, pool, store, topic: orders.inventoryTopic, group: orders.consumerGroup, onApplied: () => relay.nudge() });
    await bus.start();
    await relay.start();

    const sweeper = new TimeoutSweeper({
      pool,
      store,
      pendingTimeoutMs: orders.pendingTimeoutMs,
      intervalMs: orders.sweepIntervalMs,
      batchSize: orders.sweepBatchSize,
      logger: ctx.logger,
      onFailed: () => relay.nudge(),
    });
    ctx.onClose({ name: 'order-timeout-sweeper', stage: 'intake', close: () => sweeper.close() });
    sweeper.start();
    return {
      pool,
      store,
      prices,
      availability,
      relay,
      sweeper,
      maxItems: orders.maxItemsPerOrder,
      maxQuantity: orders.maxQuantityPerItem,
      pageSize: { default: orders.defaultPageSize, max: orders.maxPageSize },
    };
  },
  routes: (app, _ctx, deps) => registerRoutes(app, deps),
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
