import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cleanUp, form, sleep, startAuthServer, type TestServer } from './support/harness.js';

let server: TestServer;
const email = 'mallory-target@example.test';
const password = 'the right passphrase';

beforeAll(async () => {
  server = await startAuthServer({ 'auth.lockout.maxFailures': 3, 'auth.lockout.baseSeconds': 1, 'auth.lockout.maxSeconds': 2 });
  await api(server.url, 'POST', '/api/auth/register', { body: { email, password } });
});

afterAll(async () => {
  await server?.stop();
  if (server) await cleanUp(server.isolation);
});

const loginWith = (pw: string) => api(server.url, 'POST', '/api/auth/login', { body: { email, password: pw } });

describe('account lockout', () => {
  it('locks after N failures, refuses even the right password while locked, then unlocks and resets', async () => {
    for (let i = 0; i < 3; i++) expect((await loginWith(`guess ${i} is wrong`)).body).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });

    const locked = await loginWith(password);
    expect(locked.status).toBe(423);
    expect(locked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(locked.body).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // The OAuth password grant shares the lock.
    const grant = await form(server.url, '/oauth2/token', { grant_type: 'password', username: email, password, client_id: 'nimbus-web' });
    expect(grant.status).toBe(400);
    expect(grant.body).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/locked/) });

    await sleep(1_100);
    const ok = await loginWith(password);
    expect(ok.status).toBe(200);
    expect(ok.body['access_token']).toEqual(expect.any(String));
    // The success reset the count: one more failure is just a failure.
    expect((await loginWith('wrong again')).status).toBe(401);
    expect((await loginWith(password)).status).toBe(200);
  });

  it('checks at most N passwords however many guesses arrive at once', async () => {
    await sleep(2_100);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => loginWith(`parallel guess ${i}`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 423)).toHaveLength(9);
  });

  it('doubles the lock for each failure after a lock ends, up to the maximum', async () => {
    await sleep(2_100);
    // The previous test left 3 failures; this one is the 4th: lock = min(1 × 2, 2) s.
    expect((await loginWith('fourth')).status).toBe(401);
    const locked = await loginWith(password);
    expect(locked.status).toBe(423);
    expect(Number(locked.headers.get('retry-after'))).toBe(2);
  });

  it('gives an unknown email the same answer as a wrong password, and never locks it', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await api(server.url, 'POST', '/api/auth/login', { body: { email: 'nobody@example.test', password: 'whatever it is' } });
      expect(res.body).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
    }
  });
});
