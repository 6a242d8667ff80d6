import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configServerSource, environmentUrl } from '../../../src/config/server-client/index.js';
import { environment, sendJson, settings, stubServer, type StubServer } from './support.js';

let dir: string;
let stub: StubServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-client-'));
});
afterEach(async () => {
  await stub?.close();
  stub = undefined;
  await rm(dir, { recursive: true, force: true });
});

const cacheFile = () => join(dir, 'cache', '{application}.json');
const noSleep = async () => {};

describe('environmentUrl', () => {
  it('builds /{application}/{profiles}[/{label}] with (_) for / in labels', () => {
    expect(environmentUrl('http://h:8888/', { application: 'orders', profiles: ['dev', 'eu'], label: 'release/1.0' })).toBe('http://h:8888/orders/dev,eu/release(_)1.0');
    expect(environmentUrl('http://h:8888', { application: 'orders', profiles: [], label: '' })).toBe('http://h:8888/orders/default');
  });
});

describe('configServerSource', () => {
  it('reads with basic auth, retrying a failing server until it answers', async () => {
    stub = await stubServer((_req, res, n) => (n < 3 ? sendJson(res, 503, { code: 'NO_VALID_COMMIT' }) : sendJson(res, 200, environment('c1', [{ 'orders.limit': 5 }]))));
    const source = configServerSource({ settings: settings({ 'config.server.uri': stub.url, 'config.server.password': 'pw', 'config.server.cacheFile': cacheFile() }), application: 'orders', profiles: ['default'], sleep: noSleep });
    expect(await source.load()).toEqual({ 'orders.limit': 5 });
    expect(stub.requests).toHaveLength(3);
    expect(stub.requests[0]).toEqual({ url: '/orders/default', authorization: `Basic ${Buffer.from('config:pw').toString('base64')}` });
    expect(source.state).toMatchObject({ mode: 'remote', version: 'c1', label: 'main' });
  });

  it('gives up after maxAttempts and boots on local settings when there is no copy', async () => {
    stub = await stubServer((_req, res) => sendJson(res, 503, {}));
    const source = configServerSource({ settings: settings({ 'config.server.uri': stub.url, 'config.server.retry.maxAttempts': 4, 'config.server.cacheFile': cacheFile() }), application: 'orders', profiles: [], sleep: noSleep });
    expect(await source.load()).toEqual({});
    expect(stub.requests).toHaveLength(4);
    expect(source.state.mode).toBe('empty');
    await expect(source.healthCheck().check()).rejects.toThrow(/degraded/);
  });

  it('does not retry what retrying cannot fix (401, 404)', async () => {
    stub = await stubServer((_req, res) => sendJson(res, 404, { code: 'LABEL_NOT_FOUND', detail: 'no branch x' }));
    const source = configServerSource({ settings: settings({ 'config.server.uri': stub.url, 'config.server.cacheFile': '' }), application: 'orders', profiles: [], sleep: noSleep });
    await source.load();
    expect(stub.requests).toHaveLength(1);
    expect(source.state.error).toMatch(/404 \(LABEL_NOT_FOUND: no branch x\)/);
  });

  it('fails the boot with failFast, saying why', async () => {
    const source = configServerSource({ settings: settings({ 'config.server.uri': 'http://127.0.0.1:9', 'config.server.failFast': true, 'config.server.retry.maxAttempts': 2 }), application: 'orders', profiles: [], sleep: noSleep });
    await expect(source.load()).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', detail: expect.stringContaining('unreachable') });
  });

  it('keeps a last-known-good copy, owner-only, and boots from it while the server is down', async () => {
    stub = await stubServer((_req, res) => sendJson(res, 200, environment('c7', [{ 'orders.limit': 7, 'orders.tags[0]': 'a' }])));
    const online = settings({ 'config.server.uri': stub.url, 'config.server.cacheFile': cacheFile() });
    await configServerSource({ settings: online, application: 'orders', profiles: ['default'] }).load();
    const file = join(dir, 'cache', 'orders.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ application: 'orders', profiles: ['default'], environment: { version: 'c7' } });
    await stub.close();
    stub = undefined;

    const offline = configServerSource({ settings: { ...online, uri: 'http://127.0.0.1:9' }, application: 'orders', profiles: ['default'], sleep: noSleep });
    expect(await offline.load()).toEqual({ 'orders.limit': 7, 'orders.tags': ['a'] });
    expect(offline.state).toMatchObject({ mode: 'cached', version: 'c7' });
  });

  it('ignores a copy read for other profiles', async () => {
    stub = await stubServer((_req, res) => sendJson(res, 200, environment('c1', [{ a: 1 }])));
    const online = settings({ 'config.server.uri': stub.url, 'config.server.cacheFile': cacheFile() });
    await configServerSource({ settings: online, application: 'orders', profiles: ['dev'] }).load();
    const offline = configServerSource({ settings: { ...online, uri: 'http://127.0.0.1:9' }, application: 'orders', profiles: ['prod'], sleep: noSleep });
    expect(await offline.load()).toEqual({});
    expect(offline.state.mode).toBe('empty');
  });

  it('on refresh, returns the current values when the server cannot answer, and recovers when it can', async () => {
    let up = true;
    let version = 1;
    stub = await stubServer((_req, res) => (up ? sendJson(res, 200, environment(`c${version}`, [{ n: version }])) : sendJson(res, 503, {})));
    const source = configServerSource({ settings: settings({ 'config.server.uri': stub.url, 'config.server.cacheFile': '' }), application: 'orders', profiles: [], sleep: noSleep });
    expect(await source.load()).toEqual({ n: 1 });
    up = false;
    expect(await source.load()).toEqual({ n: 1 });
    expect(source.state).toMatchObject({ mode: 'remote', version: 'c1', error: expect.stringContaining('503') });
    up = true;
    version = 2;
    expect(await source.load()).toEqual({ n: 2 });
    expect(source.state.error).toBeUndefined();
  });

  it('reads nothing when disabled', async () => {
    const source = configServerSource({ settings: settings({ 'config.server.enabled': false }), application: 'orders', profiles: [] });
    expect(await source.load()).toEqual({});
    expect(source.state.mode).toBe('disabled');
  });
});
