import { VaultSecrets } from '@nimbus/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './support/endpoints.js';
import { GitFixture } from './support/git-fixture.js';
import { AUTH, startServer, type TestServer } from './support/server.js';

// Secrets never live in git: {vault} and {cipher} values are resolved from a
// live Vault when served, and a value that cannot be resolved fails the request.

const app = uniqueName('secret-app');
const password = `pw-${Math.random().toString(36).slice(2)}`;
let vault: VaultSecrets;
let repo: GitFixture;
let server: TestServer;

const vaultSettings = {
  enabled: true,
  url: endpoint('VAULT_ADDR'),
  auth: { method: 'token' as const, token: endpoint('VAULT_TOKEN'), roleId: '', secretId: '', mount: 'approle' },
  kv: { mount: 'secret', defaultContext: 'application' },
  renewFraction: 0.66,
  timeoutMs: 5000,
};

const get = (url: string) => server.built.app.inject({ url, headers: AUTH });
const post = (url: string, payload: string) => server.built.app.inject({ method: 'POST', url, headers: { ...AUTH, 'content-type': 'text/plain' }, payload });

beforeAll(async () => {
  vault = new VaultSecrets(vaultSettings);
  await vault.login();
  await vault.write(app, { 'db.password': password, nested: { key: 'n' } });
  repo = await GitFixture.create();
  await repo.commit({
    [`${app}.yml`]: `db:\n  user: orders\n  password: '{vault}secret/${app}#db.password'\nrelative: '{vault}${app}#db.password'\n`,
    [`${app}-broken.yml`]: `db:\n  missing: '{vault}secret/${app}#no.such.key'\n  nopath: '{vault}secret/${uniqueName('absent')}#x'\n`,
  });
  server = await startServer({ uri: repo.uri, vault: true });
});

afterAll(async () => {
  await server?.stop();
  vault?.close();
  await repo?.remove();
});

describe('{vault} references', () => {
  it('are replaced by the secret from Vault when served, with or without the mount in the path', async () => {
    const res = await get(`/${app}/default`);
    expect(res.statusCode).toBe(200);
    expect(res.json().propertySources[0].source).toEqual({ 'db.user': 'orders', 'db.password': password, relative: password });
  });

  it('are resolved in the merged views too', async () => {
    expect((await get(`/${app}-default.properties`)).body).toContain(`db.password: ${password}`);
  });

  it('fail the whole request with SECRET_UNRESOLVED naming each property, never a secret', async () => {
    const res = await get(`/${app}/broken`);
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ code: 'SECRET_UNRESOLVED', unresolved: expect.arrayContaining([expect.objectContaining({ property: 'db.missing' }), expect.objectContaining({ property: 'db.nopath' })]) });
    expect(body.detail).toMatch(/db\.missing: secret secret\/.+ has no key no\.such\.key/);
    expect(body.detail).toMatch(/db\.nopath: no secret at secret\//);
    // The resolvable secret of the same environment must not leak into the error.
    expect(res.body).not.toContain(password);
  });
});

describe('/encrypt, /decrypt and {cipher} values (Vault transit)', () => {
  it('encrypts with the transit key and decrypts back', async () => {
    const encrypted = await post('/encrypt', 's3cr3t value');
    expect(encrypted.statusCode).toBe(200);
    expect(encrypted.body).toMatch(/^vault:v\d+:/);
    const decrypted = await post('/decrypt', encrypted.body);
    expect(decrypted.body).toBe('s3cr3t value');
    expect((await get('/encrypt/status')).json()).toMatchObject({ status: 'OK', key: 'config-server' });
  });

  it('accepts curl’s default form encoding, as Spring does', async () => {
    const res = await server.built.app.inject({ method: 'POST', url: '/encrypt', headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'abc=' });
    expect((await post('/decrypt', res.body)).body).toBe('abc');
  });

  it('serves {cipher} values decrypted and fails on one that does not decrypt', async () => {
    const cipher = (await post('/encrypt', 'from-cipher')).body;
    await repo.commit({ [`${app}-cipher.yml`]: `api:\n  key: '{cipher}${cipher}'\n`, [`${app}-badcipher.yml`]: `api:\n  key: '{cipher}vault:v1:bm90IHJlYWw='\n` });
    await server.built.app.inject({ method: 'POST', url: '/monitor', headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, payload: `path=${app}` });
    expect((await get(`/${app}/cipher`)).json().propertySources[0].source).toEqual({ 'api.key': 'from-cipher' });
    const bad = await get(`/${app}/badcipher`);
    expect(bad.json()).toMatchObject({ code: 'SECRET_UNRESOLVED', unresolved: [{ property: 'api.key', reason: expect.stringMatching(/^cannot decrypt/) }] });
  });

  it('rejects a /decrypt of something that is not our cipher text', async () => {
    const res = await post('/decrypt', 'plain text');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('DECRYPTION_FAILED');
  });
});
