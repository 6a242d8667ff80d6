import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { isProblemError, type ProblemError } from '../../src/errors/problem.js';
import { closedPort } from '../discovery/support.js';
import { json, rejectionOf, startOrigin, testClient, type Origin, type TestClient } from './support.js';

const opened: Array<Origin | TestClient> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
const track = <T extends Origin | TestClient>(o: T) => (opened.push(o), o);

const problem = async (p: Promise<unknown>) => {
  const err = await rejectionOf(p);
  if (!isProblemError(err)) throw err;
  return err as ProblemError;
};

describe('service client: instances, retries and answers', () => {
  it('spreads calls round-robin across the instances of the target', async () => {
    const a = track(await startOrigin((_, res) => json(res, 200, { from: 'a' })));
    const b = track(await startOrigin((_, res) => json(res, 200, { from: 'b' })));
    const { client } = track(testClient([a.url, b.url]));
    const from: string[] = [];
    for (let i = 0; i < 4; i++) from.push((await client.request('svc', { path: '/x', auth: 'none' })).json<{ from: string }>().from);
    expect(from).toEqual(['a', 'b', 'a', 'b']);
  });

  it('retries an idempotent call on the next instance after a 503', async () => {
    const a = track(await startOrigin((_, res) => json(res, 503, { code: 'SHUTTING_DOWN' })));
    const b = track(await startOrigin((_, res) => json(res, 200, { ok: true })));
    const { client } = track(testClient([a.url, b.url]));
    const res = await client.request('svc', { method: 'GET', path: '/products/1', auth: 'none' });
    expect(res.status).toBe(200);
    expect(res.instance.url).toBe(b.url);
    expect([a.seen.length, b.seen.length]).toEqual([1, 1]);
  });

  it('tries a POST once when it is not marked idempotent', async () => {
    const a = track(await startOrigin((_, res) => json(res, 503, {})));
    const { client } = track(testClient([a.url]));
    const err = await problem(client.request('svc', { method: 'POST', path: '/orders', body: { sku: 'x' }, auth: 'none' }));
    expect(err.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(err.extensions).toMatchObject({ dependency: 'svc', dependencyStatus: 503 });
    expect(a.seen).toHaveLength(1);
  });

  it('retries a POST marked idempotent (e.g. it carries an Idempotency-Key)', async () => {
    let calls = 0;
    const a = track(await startOrigin((_, res) => (++calls === 1 ? json(res, 502, {}) : json(res, 201, { id: 7 }))));
    const { client } = track(testClient([a.url]));
    const res = await client.request('svc', { method: 'POST', path: '/orders', idempotent: true, headers: { 'Idempotency-Key': 'k-1' }, body: {}, auth: 'none' });
    expect(res.status).toBe(201);
    expect(a.seen.map((s) => s.headers['idempotency-key'])).toEqual(['k-1', 'k-1']);
  });

  it('gives up after the configured retries with DEPENDENCY_UNAVAILABLE', async () => {
    const a = track(await startOrigin((_, res) => json(res, 504, {})));
    const { client } = track(testClient([a.url], { 'defaults.retry.retries': 2 }));
    const err = await problem(client.request('svc', { path: '/x', auth: 'none' }));
    expect(err.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(a.seen).toHaveLength(3);
  });

  it('returns a 4xx to the caller as an answer, without retrying', async () => {
    const a = track(await startOrigin((_, res) => json(res, 404, { code: 'PRODUCT_NOT_FOUND' })));
    const { client } = track(testClient([a.url]));
    const res = await client.request('svc', { path: '/products/9', auth: 'none' });
    expect(res.status).toBe(404);
    expect(res.ok).toBe(false);
    expect(res.json()).toEqual({ code: 'PRODUCT_NOT_FOUND' });
    expect(a.seen).toHaveLength(1);
  });

  it('does not retry a 500, which is a bug in the dependency rather than a passing condition', async () => {
    const a = track(await startOrigin((_, res) => json(res, 500, {})));
    const { client } = track(testClient([a.url]));
    const err = await problem(client.request('svc', { path: '/x', auth: 'none' }));
    expect(err.extensions).toMatchObject({ dependencyStatus: 500 });
    expect(a.seen).toHaveLength(1);
  });

  it('retries a refused connection on a live instance and then skips the dead one', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const live = track(await startOrigin((_, res) => json(res, 200, {})));
    const { client } = track(testClient([dead, live.url]));
    for (let i = 0; i < 4; i++) expect((await client.request('svc', { path: '/x', auth: 'none' })).instance.url).toBe(live.url);
    expect(live.seen).toHaveLength(4);
  });

  it('fails with DEPENDENCY_UNAVAILABLE when no instance accepts connections', async () => {
    const { client } = track(testClient([`http://127.0.0.1:${await closedPort()}`]));
    const err = await problem(client.request('svc', { path: '/x', auth: 'none' }));
    expect(err.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(String((err.cause as Error).message)).toMatch(/ECONNREFUSED/);
  });

  it('fails with DEPENDENCY_UNAVAILABLE when discovery knows no instance of the target', async () => {
    const { client } = track(testClient([]));
    const err = await problem(client.request('other', { path: '/x', auth: 'none' }));
    expect(err.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(err.detail).toMatch(/other/);
  });

  it('rejects a path that could point the call at another host', async () => {
    const { client } = track(testClient([]));
    await expect(client.request('svc', { path: '//evil.example/x', auth: 'none' })).rejects.toThrow(TypeError);
    await expect(client.request('svc', { path: 'http://evil.example/', auth: 'none' })).rejects.toThrow(TypeError);
  });

  it('checks a JSON body against a TypeBox schema and reports a broken contract as DEPENDENCY_BAD_RESPONSE', async () => {
    const a = track(await startOrigin((req, res) => (req.url === '/good' ? json(res, 200, { id: 1, name: 'x' }) : json(res, 200, { id: 'one' }))));
    const { client } = track(testClient([a.url]));
    const Product = Type.Object({ id: Type.Integer(), name: Type.String() });
    expect((await client.request('svc', { path: '/good', auth: 'none' })).json(Product)).toEqual({ id: 1, name: 'x' });
    const bad = await client.request('svc', { path: '/bad', auth: 'none' });
    let caught: unknown;
    try {
      bad.json(Product);
    } catch (err) {
      caught = err;
    }
    expect(isProblemError(caught) && caught.code).toBe('DEPENDENCY_BAD_RESPONSE');
  });

  it('counts each call by target, method and outcome', async () => {
    const a = track(await startOrigin((req, res) => json(res, req.url === '/missing' ? 404 : 200, {})));
    const t = track(testClient([a.url]));
    await t.client.request('svc', { path: '/x', auth: 'none' });
    await t.client.request('svc', { path: '/missing', auth: 'none' });
    const text = await t.registry.metrics();
    expect(text).toContain('nimbus_client_requests_total{target="svc",method="GET",status="200"} 1');
    expect(text).toContain('nimbus_client_requests_total{target="svc",method="GET",status="404"} 1');
    expect(text).toMatch(/nimbus_client_request_duration_seconds_count\{target="svc",method="GET",status="200"\} 1/);
  });
});
