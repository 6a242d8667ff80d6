import { Type, type Static } from '@sinclair/typebox';

/** Settings of order-service beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({
  mysql: Type.Object(
    {
      url: Type.String({ default: '', description: 'MySQL/MariaDB server URL without database (bootstrap env MYSQL_URL), e.g. mysql://user:pass@127.0.0.1:3306; keep credentials in Vault' }),
      database: Type.String({ default: 'nimbus_orders', pattern: '^[A-Za-z0-9_]{1,64}$', description: 'Database holding orders, outbox and processed events' }),
      createDatabase: Type.Boolean({ default: true, description: 'Create the database at start-up if missing; turn off where the account lacks CREATE' }),
      poolSize: Type.Integer({ default: 10, minimum: 1, description: 'Connections in the MySQL pool' }),
    },
    { default: {}, description: 'Order store' },
  ),
  orders: Type.Object(
    {
      topic: Type.String({ default: 'orders', minLength: 1, description: 'Topic order.created / confirmed / failed / cancelled are published on' }),
      inventoryTopic: Type.String({ default: 'inventory', minLength: 1, description: 'Topic inventory.reserved / inventory.rejected are consumed from' }),
      consumerGroup: Type.String({ default: 'order-service', minLength: 1, description: 'Consumer group (RabbitMQ queue prefix, Kafka group) for inventory events' }),
      productService: Type.String({ default: 'product-service', minLength: 1, description: 'Discovery name of the product service prices are read from' }),
      inventoryService: Type.String({ default: 'inventory-service', minLength: 1, description: 'Discovery name of the inventory service availability is read from' }),
      maxItemsPerOrder: Type.Integer({ default: 50, minimum: 1, description: 'Largest number of distinct products in one order' }),
      maxQuantityPerItem: Type.Integer({ default: 1_000, minimum: 1, description: 'Largest quantity of one product in one order' }),
      pendingTimeoutMs: Type.Integer({ default: 120_000, minimum: 1, description: 'An order still PENDING (no answer from inventory) this long after creation fails with reason "timeout" and is compensated' }),
      sweepIntervalMs: Type.Integer({ default: 5_000, minimum: 10, description: 'How often the timeout sweeper looks for overdue PENDING orders' }),
      sweepBatchSize: Type.Integer({ default: 100, minimum: 1, description: 'Overdue orders failed per sweep pass' }),
      defaultPageSize: Type.Integer({ default: 20, minimum: 1, description: 'GET /orders page size when limit is not given' }),
      maxPageSize: Type.Integer({ default: 100, minimum: 1, description: 'Largest GET /orders page size' }),
    },
    { default: {}, description: 'Orders, the saga and its events' },
  ),
});
export type Settings = Static<typeof Settings>;
