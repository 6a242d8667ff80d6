// Demo data for a freshly started platform. Idempotent: run it any number of
// times. Credentials never live in git: the admin's are the auth server's
// (Vault secret/auth-server), the demo customer's are generated once and kept
// in Vault at secret/demo/customer.
import { randomBytes } from 'node:crypto';

const env = process.env;
const vault = env.VAULT_ADDR ?? 'http://127.0.0.1:8200';
const vaultToken = env.VAULT_TOKEN ?? 'root';
const auth = env.AUTH_URL ?? 'http://127.0.0.1:9000';
const products = env.PRODUCT_SERVICE_URL ?? 'http://127.0.0.1:8081';
const inventory = env.INVENTORY_SERVICE_URL ?? 'http://127.0.0.1:8083';

async function kv(method, path, data) {
  const res = await fetch(`${vault}/v1/secret/data/${path}`, {
    method,
    headers: { 'x-vault-token': vaultToken, 'content-type': 'application/json' },
    ...(data && { body: JSON.stringify({ data }) }),
  });
  if (method === 'GET' && res.status === 404) return undefined;
  if (!res.ok) throw new Error(`vault ${method} secret/${path}: ${res.status}`);
  return method === 'GET' ? (await res.json()).data.data : undefined;
}

async function json(url, init = {}) {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return { status: res.status, body };
}

/** The demo customer: registered once; its password is generated and kept in Vault. */
async function demoCustomer() {
  let creds = await kv('GET', 'demo/customer');
  if (!creds) {
    creds = { email: 'demo@nimbus.local', password: randomBytes(12).toString('base64url') };
    await kv('POST', 'demo/customer', creds);
  }
  const res = await json(`${auth}/api/auth/register`, { method: 'POST', body: JSON.stringify({ email: creds.email, password: creds.password }) });
  if (res.status !== 201 && res.body?.code !== 'EMAIL_ALREADY_REGISTERED') throw new Error(`registering the demo customer: ${res.status} ${JSON.stringify(res.body)}`);
  return creds.email;
}

const DEMO_PRODUCTS = [
  { sku: 'MUG-BLUE', name: 'Blue mug', description: 'Stoneware mug, 350 ml', category: 'kitchen', price: 1299, currency: 'EUR', stock: 50 },
  { sku: 'KETTLE-RED', name: 'Red kettle', description: 'Stovetop kettle, 1.5 l', category: 'kitchen', price: 3999, currency: 'EUR', stock: 20 },
  { sku: 'TEE-GREY-M', name: 'Grey T-shirt (M)', description: 'Organic cotton', category: 'apparel', price: 1999, currency: 'EUR', stock: 100 },
];

/** Products and stock, when those services answer (the catalogue is seeded through their own APIs). */
async function catalogue() {
  const up = async (base) => (await fetch(`${base}/health/ready`).catch(() => undefined))?.ok === true;
  if (!(await up(products)) || !(await up(inventory))) return 'catalogue skipped (product or inventory service not ready)';
  // Called on the service network with the identity headers the gateway would set.
  const admin = { 'x-user-id': 'seed', 'x-user-roles': 'admin' };
  const bySku = new Map();
  for (let cursor; ; ) {
    const page = await json(`${products}/products?limit=100&includeInactive=true${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: admin });
    for (const p of page.body?.items ?? []) bySku.set(p.sku, p.id);
    cursor = page.body?.nextCursor;
    if (!cursor) break;
  }
  let created = 0;
  for (const { stock, ...product } of DEMO_PRODUCTS) {
    let id = bySku.get(product.sku);
    if (!id) {
      const res = await json(`${products}/products`, { method: 'POST', headers: admin, body: JSON.stringify(product) });
      if (res.status !== 201) return `catalogue: creating ${product.sku} answered ${res.status} ${JSON.stringify(res.body)}`;
      id = res.body.id;
      created++;
    }
    await json(`${inventory}/inventory/${encodeURIComponent(id)}`, { method: 'PUT', headers: admin, body: JSON.stringify({ available: stock }) });
  }
  return `catalogue: ${DEMO_PRODUCTS.length} products (${created} new) with stock`;
}

try {
  const email = await demoCustomer();
  console.log(`demo data: customer ${email} (password: vault kv get secret/demo/customer); ${await catalogue()}`);
} catch (err) {
  // Demo data is a convenience: the platform is up even if seeding fails.
  console.error(`demo data not seeded: ${err.message}`);
}
