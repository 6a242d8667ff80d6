import { type BuiltService, type Flat, type KitSettings } from '@nimbus/kit';
import mysql from 'mysql2/promise';
import { buildApp } from '../../src/app.js';
import type { Settings } from '../../src/settings.js';
import { deleteRabbitObjects, endpoints, isolatedService, testRunId, dropTestDatabase, mysqlTestConnection } from '@nimbus/kit/testing';

export const env = endpoints;

export interface TestInventoryService {
  service: BuiltService<KitSettings & Settings>;
  runId: string;
  database: string;
  ordersTopic: string;
  inventoryTopic: string;
  /** A connection to the test database, for assertions the API does not expose. */
  sql: mysql.Connection;
  stop(): Promise<void>;
}

/**
 * inventory-service on live MariaDB and RabbitMQ, with its own database,
 * topics and consumer group; stop() drops the database and the broker objects.
 */
export async function startInventoryService(overrides: Flat = {}): Promise<TestInventoryService> {
  const runId = testRunId();
  const database = `nimbus_inventory_test_${runId}`;
  const ordersTopic = `nimbus-test.orders.${runId}`;
  const inventoryTopic = `nimbus-test.inventory.${runId}`;
  const service = await buildApp(
    isolatedService(
      { MYSQL_URL: env['MYSQL_URL'], RABBITMQ_URL: env['RABBITMQ_URL'] },
      {
        'mysql.database': database,
        'mysql.poolSize': 20,
        'inventory.ordersTopic': ordersTopic,
        'inventory.topic': inventoryTopic,
        'inventory.consumerGroup': `inventory-test-${runId}`,
        ...overrides,
      },
    ),
  );
  const sql = await mysqlTestConnection(database);
  return {
    service: service as unknown as BuiltService<KitSettings & Settings>,
    runId,
    database,
    ordersTopic,
    inventoryTopic,
    sql,
    async stop() {
      await service.stop();
      await dropTestDatabase(database, sql);
      await deleteRabbitObjects(runId);
    },
  };
}

export const ADMIN = { 'x-user-id': 'admin-1', 'x-user-roles': 'admin' };
export const ORDER_SERVICE = { 'x-user-id': 'order-service', 'x-user-scopes': 'inventory:write' };
export const CUSTOMER = { 'x-user-id': 'user-1', 'x-user-roles': 'customer' };

export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
