import { buildService, migrate, migrateEventTables, migrationsDir, openPool, useEventBus, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { subscribeOrderEvents } from './events/order-consumer.js';
import { Mailer } from './mail/mailer.js';
import { registerRoutes, type RouteDeps } from './routes/index.js';
import { Settings } from './settings.js';
import { NotificationStore } from './store/notifications.js';

export { Settings } from './settings.js';

export const service: ServiceDefinition<typeof Settings, RouteDeps> = {
  name: 'notification-service',
  version: '0.1.0',
  description: 'Consumes order events and sends email over SMTP.',
  settings: Settings,
  defaults: { 'server.port': 8084 },
  bootstrapEnv: { MYSQL_URL: 'mysql.url', SMTP_URL: 'smtp.url' },
  async setup(ctx) {
    const { mysql, smtp, notifications } = ctx.settings;
    const pool = await openPool(mysql);
    ctx.onClose({ name: 'mysql', close: () => pool.end() });
    ctx.health.add({ name: 'mysql', check: async () => void (await pool.query('SELECT 1')) });
    await migrate(pool, mysql, { dir: migrationsDir(import.meta.url), schemaTable: 'notification_schema_version' });
    await migrateEventTables(pool);

    const mailer = new Mailer(smtp);
    ctx.onClose({ name: 'smtp', close: async () => mailer.close() });
    // Not critical: with SMTP down, events wait in the queue and are retried.
    ctx.health.add({ name: 'smtp', critical: false, check: () => mailer.verify() });
    const store = new NotificationStore();
    const bus = useEventBus(ctx);
    subscribeOrderEvents({ bus, pool, store, mailer, topic: notifications.ordersTopic, group: notifications.consumerGroup, defaultRecipient: notifications.defaultRecipient });
    await bus.start();
    return { pool, store };
  },
  routes: (app, _ctx, deps) => registerRoutes(app, deps),
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
