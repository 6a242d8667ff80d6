import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEventBus, silentLogger, staticSource, type BuiltService, type EventBus, type Flat, type KitSettings } from '@nimbus/kit';
import mysql from 'mysql2/promise';
import { Registry } from 'prom-client';
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

export interface TestNotificationService {
  service: BuiltService<KitSettings & Settings>;
  runId: string;
  ordersTopic: string;
  /** A bus playing order-service: publishes order events on the live broker. */
  bus: EventBus;
  sql: mysql.Connection;
  stop(): Promise<void>;
}

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

/** notification-service on live MariaDB, RabbitMQ and Mailpit with its own database, topic and group. */
export async function startNotificationService(overrides: Flat = {}): Promise<TestNotificationService> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const database = `nimbus_notifications_test_${runId}`;
  const ordersTopic = `nimbus-test.orders.${runId}`;
  const service = await buildApp({
    configServer: false,
    vault: false,
    env: { MYSQL_URL: env['MYSQL_URL'], RABBITMQ_URL: env['RABBITMQ_URL'], SMTP_URL: env['SMTP_URL'] },
    logger: silentLogger,
    sources: [
      staticSource('test', {
        'mysql.database': database,
        'notifications.ordersTopic': ordersTopic,
        'notifications.consumerGroup': `notification-test-${runId}`,
        'logging.accessLog.enabled': false,
        ...overrides,
      }),
    ],
  });
  const bus = createEventBus(service.ctx.settings.events, { service: 'notification-service-test', logger: silentLogger, registry: new Registry() });
  await bus.start();
  const u = new URL(env['MYSQL_URL']!);
  const sql = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database });
  return {
    service: service as unknown as BuiltService<KitSettings & Settings>,
    runId,
    ordersTopic,
    bus,
    sql,
    async stop() {
      await bus.close();
      await service.stop();
      await sql.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await sql.end();
      await deleteBrokerObjects(runId);
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
