import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { connect } from 'amqplib';
import { ConfigStore } from '@nimbus/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kit does not export its config-server client yet (packages/kit/src/config/index.ts
// is not ours to edit); tests reach it by path until it does.
import { ConfigClientSettings, createConfigServerClient, type ConfigRefreshListener } from '../../../packages/kit/src/config/server-client/index.js';
import { resolveSettings } from '../../../packages/kit/src/config/settings.js';
import { endpoint, eventually, uniqueName } from './support/endpoints.js';
import { GitFixture } from './support/git-fixture.js';
import { AUTH, PASSWORD, startServer, USER, type TestServer } from './support/server.js';

// The whole change-propagation path on live infrastructure: a commit in a real
// git repository → POST /monitor → fetch + validation → config.refresh on
// RabbitMQ → a ConfigStore fed by the kit's client source refreshes live.

const OrdersSchema = Type.Object({
  orders: Type.Object({
    limit: Type.Integer({ default: 1, description: 'Orders per customer per minute' }),
    greeting: Type.String({ default: 'hi', description: 'What confirmation mails start with' }),
  }),
});

const ordersJsonSchema = JSON.stringify({
  type: 'object',
  properties: { orders: { type: 'object', properties: { limit: { type: 'integer', minimum: 1 } }, required: ['limit'] } },
  required: ['orders'],
});

const exchange = uniqueName('nimbus.config.test');
let repo: GitFixture;
let server: TestServer;
let dir: string;
let store: ConfigStore<typeof OrdersSchema>;
let listener: ConfigRefreshListener | undefined;
const changes: string[][] = [];

function clientSettings(overrides: Record<string, unknown> = {}) {
  return resolveSettings(ConfigClientSettings, {
    'config.server.uri': server.url,
    'config.server.username': USER,
    'config.server.password': PASSWORD,
    'config.server.cacheFile': join(dir, 'cache', '{application}.json'),
    'config.server.retry.maxAttempts': 2,
    'config.server.retry.initialMs': 50,
    'config.server.refresh.rabbitmqUrl': endpoint('RABBITMQ_URL'),
    'config.server.refresh.exchange': exchange,
    'config.server.refresh.debounceMs': 50,
    ...overrides,
  }).config.server;
}

const githubPush = (paths: string[]) => ({
  ref: 'refs/heads/main',
  after: 'ignored-we-read-git',
  commits: [{ added: [], modified: paths, removed: [] }],
});

async function monitor(payload: unknown, headers: Record<string, string> = { ...AUTH, 'x-github-event': 'push' }) {
  const res = await server.built.app.inject({ method: 'POST', url: '/monitor', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });
  return { status: res.statusCode, body: res.json() };
}

const served = async () => (await server.built.app.inject({ url: '/orders/default', headers: AUTH })).json();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-refresh-'));
  repo = await GitFixture.create();
  await repo.commit({ 'application.yml': 'orders:\n  greeting: hello\n', 'orders.yml': 'orders:\n  limit: 5\n', 'schemas/orders.schema.json': ordersJsonSchema }, 'initial');
  server = await startServer({
    uri: repo.uri,
    listen: true,
    basedir: join(dir, 'server'),
    env: { NIMBUS_REFRESH_ENABLED: 'true', NIMBUS_REFRESH_RABBITMQ_EXCHANGE: exchange, NIMBUS_MONITOR_WEBHOOKSECRET: 'hook-secret' },
  });
  await eventually(async () => ((await server.built.app.inject('/health/ready')).json().checks['refresh-publisher'].status === 'UP' ? true : undefined), 15_000, 'publisher connected');

  const client = createConfigServerClient({ settings: clientSettings(), application: 'orders', profiles: ['default'] });
  store = await ConfigStore.load({ schema: OrdersSchema, sources: [client.source] });
  store.onChange('orders', (_current, keys) => void changes.push(keys));
  listener = await client.listen(store);
  await listener!.ready();
});

afterAll(async () => {
  await listener?.close();
  await server?.stop();
  const conn = await connect(endpoint('RABBITMQ_URL'));
  const ch = await conn.createChannel();
  await ch.deleteExchange(exchange).catch(() => undefined);
  await conn.close();
  await repo?.remove();
  await rm(dir, { recursive: true, force: true });
});

describe('commit → /monitor → refresh event → live ConfigStore', () => {
  it('boots the store from the config server', () => {
    expect(store.current.orders).toEqual({ limit: 5, greeting: 'hello' });
  });

  it('applies a pushed change live: the webhook names the application, the store refreshes without restart', async () => {
    const commit = await repo.commit({ 'orders.yml': 'orders:\n  limit: 7\n' }, 'raise limit');
    const res = await monitor(githubPush(['orders.yml']));
    expect(res).toEqual({ status: 200, body: { status: 'published', commit, applications: ['orders'] } });
    await eventually(() => (store.current.orders.limit === 7 ? true : undefined), 10_000, 'store refreshed to 7');
    expect(changes.at(-1)).toEqual(['orders.limit']);
    expect(await served()).toMatchObject({ version: commit });
  });

  it('refreshes every application on a change to application.yml', async () => {
    await repo.commit({ 'application.yml': 'orders:\n  greeting: welcome\n' }, 'greeting');
    const res = await monitor(githubPush(['application.yml']), { ...AUTH, 'x-gitlab-event': 'Push Hook' });
    expect(res.body).toMatchObject({ status: 'published', applications: ['*'] });
    await eventually(() => (store.current.orders.greeting === 'welcome' ? true : undefined), 10_000, 'greeting refreshed');
  });

  it('rejects a commit with invalid YAML: the last good commit keeps serving and the rejection is reported', async () => {
    const good = (await served()).version as string;
    const bad = await repo.commit({ 'orders.yml': 'orders:\n  limit: [8\n' }, 'broken yaml');
    const res = await monitor(githubPush(['orders.yml']));
    expect(res.body).toMatchObject({ status: 'rejected', commit: good, problems: [{ file: 'orders.yml', message: expect.stringMatching(/^invalid YAML/) }] });
    expect(await served()).toMatchObject({ version: good, propertySources: [{ source: { 'orders.limit': 7 } }, {}] });
    const ready = (await server.built.app.inject('/health/ready')).json();
    expect(ready.status).toBe('UP');
    expect(ready.checks['config-repository'].details).toMatchObject({ commit: good, rejected: { commit: bad, problems: [{ file: 'orders.yml' }] } });
    const status = (await server.built.app.inject({ url: '/admin/status', headers: AUTH })).json();
    expect(status).toMatchObject({ served: { commit: good }, rejected: [{ commit: bad }] });
    expect(server.logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'configuration commit rejected; the last good commit keeps serving', fields: expect.objectContaining({ 'config.commit': bad }) }));
    expect(store.current.orders.limit).toBe(7);
  });

  it('rejects a commit that breaks the application’s JSON schema, and serves the next good commit', async () => {
    const good = (await served()).version as string;
    const bad = await repo.commit({ 'orders.yml': 'orders:\n  limit: 0\n' }, 'limit zero');
    const rejected = await monitor(githubPush(['orders.yml']));
    expect(rejected.body).toMatchObject({ status: 'rejected', commit: good, problems: [{ application: 'orders', profile: 'default', message: 'orders.limit must be >= 1' }] });
    expect((await server.built.app.inject({ url: '/admin/status', headers: AUTH })).json().rejected[0].commit).toBe(bad);
    expect((await served()).version).toBe(good);

    const fixed = await repo.commit({ 'orders.yml': 'orders:\n  limit: 9\n' }, 'fix');
    expect((await monitor(githubPush(['orders.yml']))).body).toMatchObject({ status: 'published', commit: fixed, applications: ['orders'] });
    await eventually(() => (store.current.orders.limit === 9 ? true : undefined), 10_000, 'store refreshed to 9');
    expect((await server.built.app.inject('/health/ready')).json().checks['config-repository'].details.rejected).toBeUndefined();
  });

  it('accepts a webhook signed with the shared secret without other credentials, and refuses a bad signature', async () => {
    const body = JSON.stringify({ zen: 'hi', hook_id: 1 });
    const signature = `sha256=${createHmac('sha256', 'hook-secret').update(body).digest('hex')}`;
    const signed = await server.built.app.inject({ method: 'POST', url: '/monitor', headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-hub-signature-256': signature }, payload: body });
    expect(signed.json()).toMatchObject({ status: 'ignored' });
    const forged = await server.built.app.inject({ method: 'POST', url: '/monitor', headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-hub-signature-256': 'sha256=00' }, payload: body });
    expect(forged.statusCode).toBe(401);
  });

  it('refreshes a named application on a path= form even without a new commit (manual trigger)', async () => {
    const before = changes.length;
    const res = await server.built.app.inject({ method: 'POST', url: '/monitor', headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'path=orders' });
    expect(res.json()).toMatchObject({ status: 'published', applications: ['orders'] });
    const published = (await server.built.app.inject({ url: '/admin/status', headers: AUTH })).json().lastRefresh;
    expect(published.data).toMatchObject({ applications: ['orders'] });
    // Nothing changed, so no subscriber is called: the refresh is idempotent.
    await new Promise((r) => setTimeout(r, 300));
    expect(changes.length).toBe(before);
  });
});

describe('polling and restarts', () => {
  it('finds a commit by polling when no webhook comes, and announces it', async () => {
    const polling = await startServer({
      uri: repo.uri,
      env: { NIMBUS_MONITOR_POLLINTERVALMS: '200', NIMBUS_REFRESH_ENABLED: 'true', NIMBUS_REFRESH_RABBITMQ_EXCHANGE: exchange },
    });
    try {
      const commit = await repo.commit({ 'orders.yml': 'orders:\n  limit: 11\n' }, 'polled');
      const status = await eventually(async () => {
        const s = (await polling.built.app.inject({ url: '/admin/status', headers: AUTH })).json();
        return s.lastRefresh?.data.commit === commit ? s : undefined;
      }, 15_000, 'polled commit announced');
      expect(status).toMatchObject({ served: { commit }, lastRefresh: { data: { applications: ['orders'], commit, label: 'main' } } });
    } finally {
      await polling.stop();
    }
  });

  it('keeps serving the last good commit after a restart while the tip is bad', async () => {
    const basedir = join(dir, 'restart');
    const first = await startServer({ uri: repo.uri, basedir });
    const good = (await first.built.app.inject({ url: '/orders/default', headers: AUTH })).json().version;
    await first.stop();
    const bad = await repo.commit({ 'orders.yml': 'orders: [\n' }, 'broken while down');
    const second = await startServer({ uri: repo.uri, basedir });
    try {
      expect((await second.built.app.inject({ url: '/orders/default', headers: AUTH })).json().version).toBe(good);
      expect((await second.built.app.inject({ url: '/admin/status', headers: AUTH })).json().rejected[0].commit).toBe(bad);
    } finally {
      await second.stop();
    }
    // A fresh server with no record walks back to the newest valid commit.
    const fresh = await startServer({ uri: repo.uri });
    try {
      expect((await fresh.built.app.inject({ url: '/orders/default', headers: AUTH })).json().version).toBe(good);
    } finally {
      await fresh.stop();
    }
    await repo.commit({ 'orders.yml': 'orders:\n  limit: 11\n' }, 'repair');
  });
});

describe('client while the server is down', () => {
  it('boots from the last-known-good copy, degraded, and refuses to boot with failFast', async () => {
    const settings = clientSettings({ 'config.server.uri': 'http://127.0.0.1:9', 'config.server.refresh.enabled': false });
    const client = createConfigServerClient({ settings, application: 'orders', profiles: ['default'] });
    const offline = await ConfigStore.load({ schema: OrdersSchema, sources: [client.source] });
    expect(offline.current.orders.limit).toBe(store.current.orders.limit);
    expect(client.source.state).toMatchObject({ mode: 'cached', error: expect.stringContaining('unreachable') });
    await expect(client.source.healthCheck().check()).rejects.toThrow(/degraded/);

    const strict = createConfigServerClient({ settings: { ...settings, failFast: true }, application: 'orders', profiles: ['default'] });
    await expect(ConfigStore.load({ schema: OrdersSchema, sources: [strict.source] })).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
  });
});
