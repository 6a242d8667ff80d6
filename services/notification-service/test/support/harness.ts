import { createEventBus, silentLogger, type BuiltService, type EventBus, type Flat, type KitSettings } from '@nimbus/kit';
import mysql from 'mysql2/promise';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/app.js';
import type { Settings } from '../../src/settings.js';
import { deleteRabbitObjects, endpoints, isolatedService, testRunId, dropTestDatabase, mysqlTestConnection } from '@nimbus/kit/testing';

export const env = endpoints;

export interface TestNotificationService {
  service: BuiltService<KitSettings & Settings>;
  runId: string;
  ordersTopic: string;
  /** A bus playing order-service: publishes order events on the live broker. */
  bus: EventBus;
  sql: mysql.Connection;
  stop(): Promise<void>;
}

/** notification-service on live MariaDB, RabbitMQ and Mailpit with its own database, topic and group. */
export async function startNotificationService(overrides: Flat = {}): Promise<TestNotificationService> {
  const runId = testRunId();
  const database = `nimbus_notifications_test_${runId}`;
  const ordersTopic = `nimbus-test.orders.${runId}`;
  const service = await buildApp(
    isolatedService(
      { MYSQL_URL: env['MYSQL_URL'], RABBITMQ_URL: env['RABBITMQ_URL'], SMTP_URL: env['SMTP_URL'] },
      {
        'mysql.database': database,
        'notifications.ordersTopic': ordersTopic,
        'notifications.consumerGroup': `notification-test-${runId}`,
        ...overrides,
      },
    ),
  );
  const bus = createEventBus(service.ctx.settings.events, { service: 'notification-service-test', logger: silentLogger, registry: new Registry() });
  await bus.start();
  const sql = await mysqlTestConnection(database);
  return {
    service: service as unknown as BuiltService<KitSettings & Settings>,
    runId,
    ordersTopic,
    bus,
    sql,
    async stop() {
      await bus.close();
      await service.stop();
      await dropTestDatabase(database, sql);
      await deleteRabbitObjects(runId);
    },
  };
}

export interface MailpitMessage {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Address: string }[];
}

/** Messages Mailpit holds for a recipient (its search API). */
export async function mailsTo(address: string): Promise<MailpitMessage[]> {
  const res = await fetch(`${env['MAILPIT_URL']}/api/v1/search?query=${encodeURIComponent(`to:${address}`)}`);
  if (!res.ok) throw new Error(`Mailpit search answered ${res.status}`);
  return ((await res.json()) as { messages: MailpitMessage[] }).messages;
}

/** Deletes a recipient's messages from Mailpit (test cleanup). */
export async function deleteMailsTo(address: string): Promise<void> {
  await fetch(`${env['MAILPIT_URL']}/api/v1/search?query=${encodeURIComponent(`to:${address}`)}`, { method: 'DELETE' });
}

export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
