import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Flat } from '../config/flatten.js';
import { staticSource } from '../config/sources.js';
import type { BuildOptions } from '../lifecycle/service.js';
import { silentLogger } from '../logging/logger.js';
import { connectionOptions } from '../store/mysql.js';
import { createConnection, type Connection } from 'mysql2/promise';

// Helpers for tests that run against the live infrastructure
// (`@nimbus/kit/testing`; never imported by production code).

function findEndpointsFile(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'infra', 'endpoints.env');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('infra/endpoints.env not found above the kit');
  }
}

/** infra/endpoints.env, with the process environment taking precedence (compose sets the same names). */
export const endpoints: Readonly<Record<string, string>> = (() => {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(findEndpointsFile(), 'utf8').split('\n')) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (!line || line.startsWith('#') || eq <= 0) continue;
    const key = line.slice(0, eq);
    out[key] = process.env[key] ?? line.slice(eq + 1);
  }
  return out;
})();

export function endpoint(name: string): string {
  const value = endpoints[name];
  if (!value) throw new Error(`${name} is not defined in infra/endpoints.env`);
  return value;
}

/** A name unique to this run, so repeated runs against the same servers never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Polls fn until it returns a value other than undefined, or throws after timeoutMs with the last error as cause. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition', intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Deletes the RabbitMQ queues and exchanges whose names contain `marker` (a test run's id), through the management API. */
export async function deleteRabbitObjects(marker: string): Promise<void> {
  const u = new URL(endpoint('RABBITMQ_MANAGEMENT_URL'));
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
  const base = `${u.protocol}//${u.host}/api`;
  for (const kind of ['queues', 'exchanges'] as const) {
    const res = await fetch(`${base}/${kind}/%2F`, { headers: { authorization: auth } });
    if (!res.ok) continue;
    for (const { name } of (await res.json()) as { name: string }[]) {
      if (name.includes(marker)) await fetch(`${base}/${kind}/%2F/${encodeURIComponent(name)}`, { method: 'DELETE', headers: { authorization: auth } });
    }
  }
}

/** A short id for one test run; names of databases, topics and groups carry it so runs never collide and cleanup can find them. */
export function testRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * Build options for a service under test: no Vault, no config server, no
 * output, only the given bootstrap env, and `settings` over the defaults
 * (access log off; a test's own keys win).
 */
export function isolatedService(env: Record<string, string | undefined>, settings: Flat): BuildOptions {
  return {
    configServer: false,
    vault: false,
    env,
    logger: silentLogger,
    sources: [staticSource('test', { 'logging.accessLog.enabled': false, ...settings })],
  };
}

/** A connection to the live MariaDB as the app user (infra/endpoints.env), into `database` when given. */
export function mysqlTestConnection(database?: string): Promise<Connection> {
  return createConnection({ ...connectionOptions(endpoint('MYSQL_URL')), ...(database && { database }) });
}

/** Drops a test's own database, on `conn` (which is then closed) or on a connection of its own. */
export async function dropTestDatabase(database: string, conn?: Connection): Promise<void> {
  const c = conn ?? (await mysqlTestConnection());
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await c.end();
  }
}
