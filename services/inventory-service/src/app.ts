import { buildService, createOutbox, migrateEventTables, useEventBus, useOutboxRelay, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { subscribeOrderEvents } from './events/order-consumer.js';
import { ExpirySweeper } from './events/sweeper.js';
import { registerRoutes, type RouteDeps } from './routes/index.js';
import { Settings } from './settings.js';
import { InventoryStore } from './store/inventory.js';
import { migrate, migrationsDir, openPool } from '@nimbus/kit';

export { Settings } from './settings.js';

export const service: ServiceDefinition<typeof Settings, RouteDeps> = {
  name: 'inventory-service',
  version: '0.1.0',
  description: 'Stock and reservations on MySQL; never oversells.',
  settings: Settings,
  defaults: { 'server.port': 8083 },
  bootstrapEnv: { MYSQL_URL: 'mysql.url' },
  async setup(ctx) {
    const { mysql, inventory } = ctx.settings;
    const pool = await openPool(mysql);
    ctx.onClose({ name: 'mysql', close: () => pool.end() });
    ctx.health.add({ name: 'mysql', check: async () => void (await pool.query('SELECT 1')) });
    await migrate(pool, mysql, { dir: migrationsDir(import.meta.url), schemaTable: 'inventory_schema_version' });
    await migrateEventTables(pool);

    const store = new InventoryStore({ outbox: createOutbox(), topic: inventory.topic, source: ctx.name });
    const bus = useEventBus(ctx);
    const relay = useOutboxRelay(ctx, pool, bus);
    subscribeOrderEvents({
      bus,
      pool,
      store,
      topic: inventory.ordersTopic,
      group: inventory.consumerGroup,
      ttlMs: inventory.reservationTtlMs,
      maxItems: inventory.maxItemsPerOrder,
      onApplied: () => relay.nudge(),
    });
    await bus.start();
    await relay.start();

    const sweeper = new ExpirySweeper({ pool, store, intervalMs: inventory.sweepIntervalMs, batchSize: inventory.sweepBatchSize, logger: ctx.logger, onReleased: () => relay.nudge() });
    ctx.onClose({ name: 'reservation-sweeper', stage: 'intake', close: () => sweeper.close() });
    sweeper.start();
    return { pool, store, relay, ttlMs: inventory.reservationTtlMs, maxItems: inventory.maxItemsPerOrder, deadlockRetries: inventory.deadlockRetries };
  },
  routes: (app, _ctx, deps) => registerRoutes(app, deps),
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
