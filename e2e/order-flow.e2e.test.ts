import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { endpoint, eventually, uniqueName } from '@nimbus/kit/testing';

// The reference system end to end, through the gateway only, with real
// tokens from the auth server: the whole platform as `npm start` runs it.

const gateway = 'http://127.0.0.1:8080';
const root = fileURLToPath(new URL('..', import.meta.url));

async function call<T = Record<string, unknown>>(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
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
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function login(email: string, password: string): Promise<string> {
  const res = await call<{ access_token: string }>('POST', '/api/auth/login', { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.access_token;
}

async function adminCredentials(): Promise<{ email: string; password: string }> {
  const res = await fetch(`${endpoint('VAULT_ADDR')}/v1/secret/data/auth-server`, { headers: { 'x-vault-token': endpoint('VAULT_TOKEN') } });
  const data = ((await res.json()) as { data: { data: Record<string, string> } }).data.data;
  // admin.email is a setting (default admin@nimbus.local); Vault holds it only when someone set it there.
  return { email: data['admin.email'] ?? 'admin@nimbus.local', password: data['admin.password']! };
}

const randomTraceId = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('the order flow through the gateway', () => {
  const email = `${uniqueName('e2e')}@nimbus.test`;
  const password = `pw-${uniqueName('secret')}`;
  let customer: string;
  let admin: string;
  let productId: string;

  beforeAll(async () => {
    // Idempotent: starts whatever part of the platform is not running yet.
    execFileSync('bash', ['scripts/platform.sh', 'up'], { cwd: root, stdio: 'inherit', timeout: 280_000 });
    // Ready means the gateway sees a passing instance of every upstream: a service
    // just started is in Consul only after its first health check (up to 10 s).
    await eventually(async () => {
      const res = await fetch(`${gateway}/health/ready`);
      if (!res.ok) return undefined;
      const body = (await res.json()) as { checks?: { upstreams?: { details?: { upstreams?: Record<string, { instances: number }> } } } };
      const upstreams = Object.values(body.checks?.upstreams?.details?.upstreams ?? {});
      return upstreams.length >= 5 && upstreams.every((u) => u.instances > 0) ? true : undefined;
    }, 90_000, 'the gateway to see every upstream in Consul');
    const creds = await adminCredentials();
    admin = await login(creds.email, creds.password);
  }, 300_000);

  it('registers a customer and logs in with real tokens; anonymous and forged calls are refused', async () => {
    const reg = await call('POST', '/api/auth/register', { body: { email, password } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    customer = await login(email, password);
    expect((await call('GET', '/api/orders')).status).toBe(401);
    expect((await call('GET', '/api/orders', { token: `${customer}x` })).status).toBe(401);
  });

  it('lets only the admin create products and set stock', async () => {
    const product = { sku: uniqueName('E2E').toUpperCase(), name: 'End-to-end lamp', description: 'Made by the e2e test', category: 'e2e', price: 2500, currency: 'EUR' };
    expect((await call('POST', '/api/products', { token: customer, body: product })).status).toBe(403);
    const created = await call<{ id: string }>('POST', '/api/products', { token: admin, body: product });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    productId = created.body.id;
    const stock = await call('PUT', `/api/inventory/${productId}`, { token: admin, body: { available: 5 } });
    expect(stock.status, JSON.stringify(stock.body)).toBe(200);
  });

  it('confirms an order, emails the customer, takes the stock and leaves one trace across every service and the broker', async () => {
    const traceId = randomTraceId();
    const placed = await call<{ id: string; status: string }>('POST', '/api/orders', {
      token: customer,
      body: { items: [{ productId, quantity: 2 }] },
      headers: { 'idempotency-key': uniqueName('order'), traceparent: `00-${traceId}-${'a'.repeat(16)}-01` },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);

    const confirmed = await eventually(async () => {
      const res = await call<{ status: string }>('GET', `/api/orders/${placed.body.id}`, { token: customer });
      return res.body.status === 'CONFIRMED' ? res.body : undefined;
    }, 30_000, 'the order to be CONFIRMED');
    expect(confirmed.status).toBe('CONFIRMED');

    const stock = await call<{ available: number }>('GET', `/api/inventory/${productId}`, { token: customer });
    expect(stock.body.available).toBe(3);

    const mail = await eventually(async () => {
      const res = await fetch(`${endpoint('MAILPIT_URL')}/api/v1/search?query=${encodeURIComponent(`to:${email}`)}`);
      const found = ((await res.json()) as { messages: Array<{ Subject: string }> }).messages;
      return found.find((m) => m.Subject.includes(placed.body.id));
    }, 30_000, 'the confirmation email in Mailpit');
    expect(mail.Subject).toMatch(/confirmed/i);

    const services = await eventually(async () => {
      const res = await fetch(`${endpoint('ZIPKIN_URL')}/api/v2/trace/${traceId}`);
      if (!res.ok) return undefined;
      const names = new Set(((await res.json()) as Array<{ localEndpoint?: { serviceName?: string } }>).map((s) => s.localEndpoint?.serviceName));
      const all = ['gateway', 'order-service', 'product-service', 'inventory-service', 'notification-service'];
      return all.every((n) => names.has(n)) ? names : undefined;
    }, 30_000, `trace ${traceId} to span every service`);
    expect(services.size).toBeGreaterThanOrEqual(5);
  });

  it('fails an order that asks for more than the stock, with the reason', async () => {
    const placed = await call<{ id: string }>('POST', '/api/orders', {
      token: customer,
      body: { items: [{ productId, quantity: 50 }] },
      headers: { 'idempotency-key': uniqueName('order') },
    });
    expect(placed.status).toBe(201);
    const failed = await eventually(async () => {
      const res = await call<{ status: string; failureReason: string | null }>('GET', `/api/orders/${placed.body.id}`, { token: customer });
      return res.body.status === 'FAILED' ? res.body : undefined;
    }, 30_000, 'the order to be FAILED');
    expect(failed.failureReason).toMatch(/out of stock/);
    expect((await call<{ available: number }>('GET', `/api/inventory/${productId}`, { token: customer })).body.available).toBe(3);
  });
});
