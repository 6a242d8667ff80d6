import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { silentLogger, staticSource, type BuiltService, type Flat, type KitSettings } from '@nimbus/kit';
import mysql from 'mysql2/promise';
import { buildApp } from '../../src/app.js';
import type { Settings } from '../../src/settings.js';

// Where the live infrastructure answers: infra/endpoints.env, overridden by the process environment.
function endpoints(): Record<string, string> {
  const out: Record<string, string> = {};
  const text = readFileSync(fileURLToPath(new URL('../../../../infra/endpoints.env', import.meta.url)), 'utf8');
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line && !line.startsWith('#') && eq > 0) out[line.slice(0, eq)] = process.env[line.slice(0, eq)] ?? line.slice(eq + 1);
  }
  return out;
}

export const env = endpoints();

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

/** Deletes the RabbitMQ queues and exchanges a run created (names carry its id). */
async function deleteBrokerObjects(runId: string): Promise<void> {
  const u = new URL(env['RABBITMQ_MANAGEMENT_URL']!);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
  const base = `${u.protocol}//${u.host}/api`;
  for (const kind of ['queues', 'exchanges'] as const) {
    const res = await fetch(`${base}/${kind}/%2F`, { headers: { authorization: auth } });
    if (!res.ok) continue;
    for (const { name } of (await res.json()) as { name: string }[]) {
      if (name.includes(runId)) await fetch(`${base}/${kind}/%2F/${encodeURIComponent(name)}`, { method: 'DELETE', headers: { authorization: auth } });
    }
  }
}

/**
 * inventory-service on live MariaDB and RabbitMQ, with its own database,
 * topics and consumer group; stop() drops the database and the broker objects.
 */
export async function startInventoryService(overrides: Flat = {}): Promise<TestInventoryService> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const database = `nimbus_inventory_test_${runId}`;
  const ordersTopic = `nimbus-test.orders.${runId}`;
  const inventoryTopic = `nimbus-test.inventory.${runId}`;
  const service = await buildApp({
    configServer: false,
    vault: false,
    env: { MYSQL_URL: env['MYSQL_URL'], RABBITMQ_URL: env['RABBITMQ_URL'] },
    logger: silentLogger,
    sources: [
      staticSource('test', {
        'mysql.database': database,
        'mysql.poolSize': 20,
        'inventory.ordersTopic': ordersTopic,
        'inventory.topic': inventoryTopic,
        'inventory.consumerGroup': `inventory-test-${runId}`,
        'logging.accessLog.enabled': false,
        ...overrides,
      }),
    ],
  });
  const u = new URL(env['MYSQL_URL']!);
  const sql = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database });
  return {
    service: service as unknown as BuiltService<KitSettings & Settings>,
    runId,
    database,
    ordersTopic,
    inventoryTopic,
    sql,
    async stop() {
      await service.stop();
      await sql.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await sql.end();
      await deleteBrokerObjects(runId);
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
