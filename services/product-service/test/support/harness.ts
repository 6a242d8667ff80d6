import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { silentLogger, staticSource, type BuiltService, type Flat, type KitSettings } from '@nimbus/kit';
import { MongoClient } from 'mongodb';
import { buildApp } from '../../src/app.js';

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

export interface TestProductService {
  service: BuiltService<KitSettings>;
  database: string;
  topic: string;
  stop(): Promise<void>;
}

/** product-service on live FerretDB and RabbitMQ, with its own database and topic; stop() drops both. */
export async function startProductService(overrides: Flat = {}): Promise<TestProductService> {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const database = `nimbus_product_test_${id}`;
  const topic = `nimbus-test.products.${id}`;
  const service = await buildApp({
    configServer: false,
    vault: false,
    env: { MONGODB_URL: env['MONGODB_URL'], RABBITMQ_URL: env['RABBITMQ_URL'] },
    logger: silentLogger,
    sources: [staticSource('test', { 'mongo.database': database, 'catalog.topic': topic, 'logging.accessLog.enabled': false, ...overrides })],
  });
  return {
    service: service as unknown as BuiltService<KitSettings>,
    database,
    topic,
    async stop() {
      await service.stop();
      const client = new MongoClient(env['MONGODB_URL']!);
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
      await deleteBrokerObjects(id);
    },
  };
}

export const ADMIN = { 'x-user-id': 'admin-1', 'x-user-roles': 'admin' };
export const CUSTOMER = { 'x-user-id': 'user-1', 'x-user-roles': 'customer' };
