import { Type, type Static } from '@sinclair/typebox';

/** Settings of inventory-service beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({
  mysql: Type.Object(
    {
      url: Type.String({ default: '', description: 'MySQL/MariaDB server URL without database (bootstrap env MYSQL_URL), e.g. mysql://user:pass@127.0.0.1:3306; keep credentials in Vault' }),
      database: Type.String({ default: 'nimbus_inventory', pattern: '^[A-Za-z0-9_]{1,64}$', description: 'Database holding stock, reservations, outbox and processed events' }),
      createDatabase: Type.Boolean({ default: true, description: 'Create the database at start-up if missing; turn off where the account lacks CREATE' }),
      poolSize: Type.Integer({ default: 10, minimum: 1, description: 'Connections in the MySQL pool' }),
    },
    { default: {}, description: 'Stock store' },
  ),
  inventory: Type.Object(
    {
      reservationTtlMs: Type.Integer({ default: 900_000, minimum: 1, description: 'How long a reservation holds stock before the sweeper releases it (unless committed or released)' }),
      sweepIntervalMs: Type.Integer({ default: 5_000, minimum: 10, description: 'How often the sweeper looks for expired reservations' }),
      sweepBatchSize: Type.Integer({ default: 100, minimum: 1, description: 'Expired reservations released per sweep pass' }),
      maxItemsPerOrder: Type.Integer({ default: 100, minimum: 1, description: 'Largest number of distinct products one reservation may hold' }),
      topic: Type.String({ default: 'inventory', minLength: 1, description: 'Topic inventory.reserved / rejected / released / committed are published on' }),
      ordersTopic: Type.String({ default: 'orders', minLength: 1, description: 'Topic the order events (order.created, order.cancelled, order.confirmed, order.completed) are consumed from' }),
      consumerGroup: Type.String({ default: 'inventory-service', minLength: 1, description: 'Consumer group (RabbitMQ queue prefix, Kafka group) for order events' }),
      deadlockRetries: Type.Integer({ default: 3, minimum: 0, description: 'Times an HTTP reservation transaction is retried after a deadlock or lock wait timeout' }),
    },
    { default: {}, description: 'Reservations and events' },
  ),
});
export type Settings = Static<typeof Settings>;
