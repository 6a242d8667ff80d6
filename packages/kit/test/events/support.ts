import { Value } from '@sinclair/typebox/value';
import mysql from 'mysql2/promise';
import { Registry } from 'prom-client';
import { silentLogger } from '../../src/logging/logger.js';
import type { EventBus } from '../../src/events/bus.js';
import { EventBusSettings } from '../../src/events/settings.js';
import { endpoint, uniqueName } from '../support/endpoints.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge<T>(base: T, overrides: DeepPartial<T> | undefined): T {
  if (!overrides) return base;
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) {
    const current = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && current && typeof current === 'object' ? merge(current, v as never) : v;
  }
  return out as T;
}

export type SettingsOverrides = DeepPartial<EventBusSettings>;

/**
 * Defaults from the schema with tiny delays, so retries, reconnects and the
 * relay's backoff happen within a test's time.
 */
export function testSettings(...layers: (SettingsOverrides | undefined)[]): EventBusSettings {
  const defaults = Value.Default(EventBusSettings, {}) as EventBusSettings;
  const fast: SettingsOverrides = {
    publisher: { timeoutMs: 5_000 },
    consumer: { maxAttempts: 3, backoff: { initialMs: 50, maxMs: 200, multiplier: 2 }, shutdownTimeoutMs: 2_000 },
    reconnect: { initialMs: 100, maxMs: 1_000, multiplier: 2 },
    kafka: { sessionTimeoutMs: 10_000 },
    outbox: { pollIntervalMs: 100, backoff: { initialMs: 100, maxMs: 500, multiplier: 2 } },
  };
  return [fast, ...layers].reduce<EventBusSettings>((acc, layer) => merge(acc, layer), defaults);
}

export function testDeps(service = uniqueName('events-test')) {
  return { service, logger: silentLogger, registry: new Registry() };
}

/** What the contract suite needs from a binder besides the bus itself. */
export interface BinderHarness {
  readonly binder: 'rabbitmq' | 'kafka';
  /** Settings that point this binder at the live broker. */
  settings(overrides?: SettingsOverrides): EventBusSettings;
  /** Settings that point it at a port nothing listens on. */
  unreachableSettings(overrides?: SettingsOverrides): EventBusSettings;
  createBus(settings: EventBusSettings, deps?: ReturnType<typeof testDeps>): EventBus;
  /** Publishes bytes that are not a CloudEvent to the topic, as a foreign producer might. */
  publishGarbage(topic: string, body: Buffer): Promise<void>;
  /** Deletes the exchanges/queues or topics/groups a test created. */
  cleanup(topic: string, groups: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A database of its own for a test file, dropped at the end. */
export async function createTestDatabase(): Promise<{ pool: mysql.Pool; drop(): Promise<void> }> {
  const name = uniqueName('events').replace(/-/g, '_');
  const admin = await mysql.createConnection(endpoint('MYSQL_URL'));
  await admin.query(`CREATE DATABASE \`${name}\``);
  const pool = mysql.createPool({ uri: endpoint('MYSQL_URL'), database: name, connectionLimit: 10 });
  return {
    pool,
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** A promise with its resolve function, for handlers that must wait on the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
