import { buildService, useEventBus, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { MongoClient } from 'mongodb';
import { ProductEventRelay } from './events/relay.js';
import { registerRoutes, type RouteDeps } from './routes/index.js';
import { Settings } from './settings.js';
import { ProductStore } from './store/products.js';

export { Settings } from './settings.js';

export const service: ServiceDefinition<typeof Settings, RouteDeps> = {
  name: 'product-service',
  version: '0.1.0',
  description: 'Product catalog on MongoDB.',
  settings: Settings,
  defaults: { 'server.port': 8081 },
  bootstrapEnv: { MONGODB_URL: 'mongo.url' },
  async setup(ctx) {
    const { mongo, catalog } = ctx.settings;
    const client = new MongoClient(mongo.url, { serverSelectionTimeoutMS: mongo.serverSelectionTimeoutMs });
    ctx.onClose({ name: 'mongodb', close: () => client.close() });
    const db = client.db(mongo.database);
    ctx.health.add({ name: 'mongodb', check: async () => void (await db.command({ ping: 1 })) });
    const store = new ProductStore(db);
    await store.createIndexes();

    const bus = useEventBus(ctx);
    await bus.start();
    const relay = new ProductEventRelay({ store, bus, topic: catalog.topic, intervalMs: catalog.relayIntervalMs, batchSize: catalog.relayBatchSize, logger: ctx.logger });
    ctx.health.add({ ...relay.healthCheck(), critical: false });
    ctx.onClose({ name: 'product-event-relay', stage: 'intake', close: () => relay.close() });
    relay.start();
    return { store, relay, pageSize: { default: catalog.defaultPageSize, max: catalog.maxPageSize } };
  },
  routes: (app, _ctx, deps) => registerRoutes(app, deps),
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
