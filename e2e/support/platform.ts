import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { endpoint, eventually } from '@nimbus/kit/testing';

// The platform as `npm start` runs it, reached through the gateway only,
// with real tokens from the auth server.

export const gateway = 'http://127.0.0.1:8080';
export const root = fileURLToPath(new URL('../..', import.meta.url));

export type Binder = 'rabbitmq' | 'kafka';

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const res = await fetch(`${gateway}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined && { 'content-type': 'application/json' }),
      ...(opts.token && { authorization: `Bearer ${opts.token}` }),
      ...opts.headers,
    },
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/**
 * Starts whatever part of the platform is not running (idempotent), with
 * the services on `binder`, and waits until the gateway sees a passing
 * instance of every upstream: a service just started is in Consul only
 * after its first health check (up to 10 s).
 */
export async function platformUp(binder: Binder): Promise<void> {
  execFileSync('bash', ['scripts/platform.sh', 'up'], { cwd: root, stdio: 'inherit', timeout: 280_000, env: { ...process.env, EVENTS_BINDER: binder } });
  await eventually(
    async () => {
      const res = await fetch(`${gateway}/health/ready`);
      if (!res.ok) return undefined;
      const body = (await res.json()) as { checks?: { upstreams?: { details?: { upstreams?: Record<string, { instances: number }> } } } };
      const upstreams = Object.values(body.checks?.upstreams?.details?.upstreams ?? {});
      return upstreams.length >= 5 && upstreams.every((u) => u.instances > 0) ? true : undefined;
    },
    90_000,
    'the gateway to see every upstream in Consul',
  );
  // The services that carry business events report the binder they run on.
  for (const port of [8081, 8082, 8083, 8084]) {
    const health = (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as { service: string; checks: { events?: { details?: { binder?: string } } } };
    expect(health.checks.events?.details?.binder, `${health.service} binder`).toBe(binder);
  }
}

export async function login(email: string, password: string): Promise<string> {
  const res = await call<{ access_token: string }>('POST', '/api/auth/login', { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.access_token;
}

/** Registers a new customer and logs them in. */
export async function newCustomer(email: string, password: string): Promise<string> {
  const reg = await call('POST', '/api/auth/register', { body: { email, password } });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  return login(email, password);
}

/** Logs in as the platform's admin, whose password the auth server generated into Vault. */
export async function adminToken(): Promise<string> {
  const res = await fetch(`${endpoint('VAULT_ADDR')}/v1/secret/data/auth-server`, { headers: { 'x-vault-token': endpoint('VAULT_TOKEN') } });
  const data = ((await res.json()) as { data: { data: Record<string, string> } }).data.data;
  // admin.email is a setting (default admin@nimbus.local); Vault holds it only when someone set it there.
  return login(data['admin.email'] ?? 'admin@nimbus.local', data['admin.password']!);
}

export const randomTraceId = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

export interface OrderView {
  id: string;
  status: string;
  failureReason: string | null;
}

/** Waits until the order reaches `status`. */
export function orderReaches(token: string, id: string, status: string, timeoutMs = 30_000): Promise<OrderView> {
  return eventually(
    async () => {
      const res = await call<OrderView>('GET', `/api/orders/${id}`, { token });
      return res.body.status === status ? res.body : undefined;
    },
    timeoutMs,
    `order ${id} to be ${status}`,
  );
}

export async function stockOf(token: string, productId: string): Promise<{ available: number; reserved: number }> {
  return (await call<{ available: number; reserved: number }>('GET', `/api/inventory/${productId}`, { token })).body;
}
