import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, api, cleanUp, form, newIsolation, startAuthServer, vaultKv, type TestServer } from './support/harness.js';

let server: TestServer;
const isolation = newIsolation();

beforeAll(async () => {
  server = await startAuthServer({}, isolation);
});

afterAll(async () => {
  await server?.stop();
  await cleanUp(isolation);
});

const login = async (email: string, password: string) => {
  const res = await api(server.url, 'POST', '/api/auth/login', { body: { email, password } });
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
};

describe('accounts API', () => {
  it('registers a customer and logs in, returning tokens with no-store', async () => {
    const reg = await api(server.url, 'POST', '/api/auth/register', { body: { email: 'Linus@Example.test', password: 'penguins all the way' } });
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({ id: expect.any(String), email: 'linus@example.test', roles: ['customer'], status: 'active', createdAt: expect.any(String) });

    const res = await api(server.url, 'POST', '/api/auth/login', { body: { email: 'LINUS@example.test', password: 'penguins all the way' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 300, access_token: expect.any(String), refresh_token: expect.any(String), scope: 'openid profile email' });

    const me = await api(server.url, 'GET', '/api/auth/me', { token: String(res.body['access_token']) });
    expect(me.body).toEqual(reg.body);
  });

  it('refuses a duplicate email (any case) and weak passwords with stable codes', async () => {
    await api(server.url, 'POST', '/api/auth/register', { body: { email: 'dup@example.test', password: 'long enough password' } });
    const dup = await api(server.url, 'POST', '/api/auth/register', { body: { email: 'DUP@example.test', password: 'long enough password' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED' });
    const weak = await api(server.url, 'POST', '/api/auth/register', { body: { email: 'weak@example.test', password: 'short' } });
    expect(weak.body).toMatchObject({ status: 400, code: 'PASSWORD_TOO_WEAK', detail: 'use at least 12 characters' });
    const bad = await api(server.url, 'POST', '/api/auth/register', { body: { email: 'not-an-email', password: 'long enough password' } });
    expect(bad.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers missing, garbage and client tokens on /me with problem+json', async () => {
    const none = await api(server.url, 'GET', '/api/auth/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.body).toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await api(server.url, 'GET', '/api/auth/me', { token: 'a.b.c' })).body).toMatchObject({ code: 'TOKEN_INVALID' });
    const cc = await form(server.url, '/oauth2/token', { grant_type: 'client_credentials' }, ['order-service', await server.clientSecret('order-service')]);
    const asClient = await api(server.url, 'GET', '/api/auth/me', { token: String(cc.body['access_token']) });
    expect(asClient.body).toMatchObject({ status: 403, code: 'USER_TOKEN_REQUIRED' });
  });

  it('logs out: the access token stops working at once', async () => {
    await api(server.url, 'POST', '/api/auth/register', { body: { email: 'bye@example.test', password: 'see you later alligator' } });
    const tokens = await login('bye@example.test', 'see you later alligator');
    expect((await api(server.url, 'POST', '/api/auth/logout', { token: tokens.access_token })).status).toBe(204);
    expect((await api(server.url, 'GET', '/api/auth/me', { token: tokens.access_token })).status).toBe(401);
  });
});

describe('admin and roles', () => {
  it('seeds the admin with a generated password stored in Vault (never elsewhere)', async () => {
    const stored = await vaultKv.read(`${isolation.vaultPrefix}/admin`);
    expect(stored?.['admin.password']).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const tokens = await login(ADMIN_EMAIL, await server.adminPassword());
    expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString())).toMatchObject({ roles: ['admin'] });
  });

  it('lets only admins change roles; changes show in the next token', async () => {
    const user = await api(server.url, 'POST', '/api/auth/register', { body: { email: 'promote@example.test', password: 'climbing the ladder' } });
    const id = String(user.body['id']);
    const userTokens = await login('promote@example.test', 'climbing the ladder');
    const denied = await api(server.url, 'PUT', `/api/auth/users/${id}/roles`, { token: userTokens.access_token, body: { roles: ['admin'] } });
    expect(denied.body).toMatchObject({ status: 403, code: 'ROLE_REQUIRED' });

    const admin = await login(ADMIN_EMAIL, await server.adminPassword());
    const done = await api(server.url, 'PUT', `/api/auth/users/${id}/roles`, { token: admin.access_token, body: { roles: ['customer', 'admin'] } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id, roles: ['admin', 'customer'] });
    const again = await login('promote@example.test', 'climbing the ladder');
    expect(JSON.parse(Buffer.from(again.access_token.split('.')[1]!, 'base64url').toString()).roles).toEqual(['admin', 'customer']);

    // Demoted again: the still-valid token that says admin no longer works for admin operations.
    await api(server.url, 'PUT', `/api/auth/users/${id}/roles`, { token: admin.access_token, body: { roles: ['customer'] } });
    const stale = await api(server.url, 'PUT', `/api/auth/users/${id}/roles`, { token: again.access_token, body: { roles: ['admin'] } });
    expect(stale.body).toMatchObject({ code: 'ROLE_REQUIRED' });
  });

  it('never removes the last admin, and reports unknown users and invalid roles', async () => {
    const admin = await login(ADMIN_EMAIL, await server.adminPassword());
    const me = await api(server.url, 'GET', '/api/auth/me', { token: admin.access_token });
    const last = await api(server.url, 'PUT', `/api/auth/users/${String(me.body['id'])}/roles`, { token: admin.access_token, body: { roles: ['customer'] } });
    expect(last.body).toMatchObject({ status: 409, code: 'LAST_ADMIN' });
    const missing = await api(server.url, 'PUT', `/api/auth/users/${crypto.randomUUID()}/roles`, { token: admin.access_token, body: { roles: [] } });
    expect(missing.body).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
    const invalid = await api(server.url, 'PUT', `/api/auth/users/${String(me.body['id'])}/roles`, { token: admin.access_token, body: { roles: ['root'] } });
    expect(invalid.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});

describe('error shapes and documentation', () => {
  it('answers OAuth endpoints in RFC 6749 JSON, also for a JSON body or a repeated parameter', async () => {
    const json = await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/x-www-form-urlencoded/) });
    const repeated = await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=a&scope=b' });
    expect(await repeated.json()).toMatchObject({ error: 'invalid_request' });
    const unsupported = await form(server.url, '/oauth2/token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' }, ['order-service', await server.clientSecret('order-service')]);
    expect(unsupported.body).toMatchObject({ error: 'unsupported_grant_type' });
    const notAllowed = await form(server.url, '/oauth2/token', { grant_type: 'password', username: 'a', password: 'b' }, ['order-service', await server.clientSecret('order-service')]);
    expect(notAllowed.body).toMatchObject({ error: 'unauthorized_client' });
  });

  it('documents the API in /openapi.json', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke', '/userinfo', '/api/auth/register', '/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/auth/users/{id}/roles']),
    );
  });

  it('reports readiness with MySQL and the signing key', async () => {
    const ready = (await (await fetch(`${server.url}/health/ready`)).json()) as { status: string; checks: Record<string, { status: string }> };
    expect(ready.status).toBe('UP');
    expect(ready.checks['mysql']?.status).toBe('UP');
    expect(ready.checks['signing-key']?.status).toBe('UP');
  });
});

describe('restart', () => {
  it('comes back on the same database and Vault with the same key, admin and client secrets', async () => {
    const before = await form(server.url, '/oauth2/token', { grant_type: 'client_credentials' }, ['order-service', await server.clientSecret('order-service')]);
    const kid = decodeProtectedHeader(String(before.body['access_token'])).kid;
    const adminPassword = await server.adminPassword();
    await server.stop();

    server = await startAuthServer({}, isolation);
    expect(await server.adminPassword()).toBe(adminPassword);
    const after = await form(server.url, '/oauth2/token', { grant_type: 'client_credentials' }, ['order-service', await server.clientSecret('order-service')]);
    expect(after.status).toBe(200);
    expect(decodeProtectedHeader(String(after.body['access_token'])).kid).toBe(kid);
    await login(ADMIN_EMAIL, adminPassword);
  });
});
