import { randomBytes } from 'node:crypto';
import { silentLogger, staticSource, type Flat } from '@nimbus/kit';
import { buildApp } from '../../src/app.js';
import { dropTestDatabase, endpoints } from '@nimbus/kit/testing';

export const env = endpoints;
const MYSQL_URL = env['MYSQL_URL']!;
const VAULT_ADDR = env['VAULT_ADDR']!;
const VAULT_TOKEN = env['VAULT_TOKEN']!;

/** Vault KV v2 over plain HTTP, for tests to read what the server stored and to clean up. */
export const vaultKv = {
  async read(path: string): Promise<Record<string, unknown> | undefined> {
    const res = await fetch(`${VAULT_ADDR}/v1/secret/data/${path}`, { headers: { 'x-vault-token': VAULT_TOKEN } });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`vault read ${path}: ${res.status}`);
    return ((await res.json()) as { data: { data: Record<string, unknown> } }).data.data;
  },
  async write(path: string, data: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${VAULT_ADDR}/v1/secret/data/${path}`, { method: 'POST', headers: { 'x-vault-token': VAULT_TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ data }) });
    if (!res.ok) throw new Error(`vault write ${path}: ${res.status}`);
  },
  async destroy(path: string): Promise<void> {
    await fetch(`${VAULT_ADDR}/v1/secret/metadata/${path}`, { method: 'DELETE', headers: { 'x-vault-token': VAULT_TOKEN } });
  },
};

/** Where one test server keeps its state: a database and a Vault prefix of its own, so runs never collide. */
export interface Isolation {
  database: string;
  vaultPrefix: string;
}

export function newIsolation(): Isolation {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return { database: `nimbus_auth_test_${id}`, vaultPrefix: `nimbus-test/auth-server-${id}` };
}

export interface TestServer {
  url: string;
  isolation: Isolation;
  stop(): Promise<void>;
  /** Secrets the server generated and stored in Vault. */
  adminPassword(): Promise<string>;
  clientSecret(clientId: string): Promise<string>;
}

export const ADMIN_EMAIL = 'admin@nimbus.test';

/**
 * Starts auth-server for real: live MySQL and Vault, listening on
 * 127.0.0.1 port 0, issuer = the bound address. Argon2 cost is lowered so
 * tests stay quick; everything else is production code and defaults.
 */
export async function startAuthServer(overrides: Flat = {}, isolation = newIsolation()): Promise<TestServer> {
  const { app, stop } = await buildApp({
    configServer: false,
    env: { MYSQL_URL, VAULT_ADDR, VAULT_TOKEN },
    logger: process.env['AUTH_TEST_LOGS'] ? undefined : silentLogger,
    sources: [
      staticSource('test', {
        'mysql.database': isolation.database,
        'auth.issuer': '',
        'auth.vault.signingKeysPath': `${isolation.vaultPrefix}/signing-keys`,
        'auth.vault.clientSecretsPath': `${isolation.vaultPrefix}/clients`,
        'auth.vault.adminPath': `${isolation.vaultPrefix}/admin`,
        'admin.email': ADMIN_EMAIL,
        // Empty wins over any admin.password the shared dev Vault holds for auth-server: generation is under test.
        'admin.password': '',
        'auth.password.memoryCostKiB': 8192,
        'auth.password.timeCost': 1,
        ...overrides,
      }),
    ],
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const secret = async (path: string, key: string) => {
    const value = (await vaultKv.read(`${isolation.vaultPrefix}/${path}`))?.[key];
    if (typeof value !== 'string') throw new Error(`no ${key} at ${isolation.vaultPrefix}/${path}`);
    return value;
  };
  return {
    url,
    isolation,
    stop,
    adminPassword: () => secret('admin', 'admin.password'),
    clientSecret: (id) => secret('clients', id),
  };
}

/** Drops the test database and the Vault secrets of an isolation. */
export async function cleanUp(isolation: Isolation): Promise<void> {
  await dropTestDatabase(isolation.database);
  for (const path of ['signing-keys', 'clients', 'admin']) await vaultKv.destroy(`${isolation.vaultPrefix}/${path}`);
}

/** JSON request helper for the platform API. */
export async function api(base: string, method: string, path: string, opts: { body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  const res = await fetch(`${base}${path}`, { method, headers, ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

/** A form POST to an OAuth endpoint. */
export async function form(base: string, path: string, params: Record<string, string>, basic?: [string, string]) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(basic[0])}:${encodeURIComponent(basic[1])}`).toString('base64')}`;
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
