import { afterEach, describe, expect, it } from 'vitest';
import { staticSource } from '../../src/config/sources.js';
import { buildService, type BuiltService } from '../../src/lifecycle/service.js';
import { silentLogger } from '../../src/logging/logger.js';
import { exampleService } from './example-service.js';

const noVault = { vault: false, configServer: false, env: {}, logger: silentLogger };
let built: BuiltService<unknown> | undefined;
afterEach(async () => {
  await built?.stop('test end');
  built = undefined;
});

describe('buildService', () => {
  it('answers unknown routes with a NOT_FOUND problem+json', async () => {
    built = await buildService(exampleService(), noVault);
    const res = await built.app.inject('/nope?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'no route for GET /nope' });
  });

  it('turns schema violations into VALIDATION_FAILED listing each bad field', async () => {
    built = await buildService(exampleService(), noVault);
    const res = await built.app.inject({ method: 'POST', url: '/items', payload: { name: '', qty: 0, extra: true } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.length).toBeGreaterThanOrEqual(1);
  });

  it('rejects malformed JSON with VALIDATION_FAILED, not a 500', async () => {
    built = await buildService(exampleService(), noVault);
    const res = await built.app.inject({ method: 'POST', url: '/items', payload: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('passes a thrown catalogue error through with its own code and status', async () => {
    built = await buildService(exampleService(), noVault);
    const res = await built.app.inject('/items/42');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ITEM_NOT_FOUND', title: 'Item not found', detail: 'item 42', instance: '/items/42' });
  });

  it('hides the message of an unexpected error (it may hold secrets)', async () => {
    built = await buildService(exampleService(), noVault);
    const res = await built.app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('INTERNAL');
    expect(res.body).not.toContain('hunter2');
  });

  it('echoes the caller request id, or makes one', async () => {
    built = await buildService(exampleService(), noVault);
    const mine = await built.app.inject({ url: '/health/live', headers: { 'x-request-id': 'req-123' } });
    expect(mine.headers['x-request-id']).toBe('req-123');
    const made = await built.app.inject('/health/live');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    built = await buildService(exampleService(), noVault);
    const doc = (await built.app.inject('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'example-service', version: '1.0.0' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/items', '/items/{id}']));
    expect(doc.paths['/health/ready']).toBeUndefined();
  });

  it('applies configuration sources over schema defaults', async () => {
    built = await buildService(exampleService(), { ...noVault, sources: [staticSource('test', { 'example.greeting': 'hi' })] });
    expect((await built.app.inject('/greeting')).json()).toEqual({ greeting: { greeting: 'hi' } });
  });

  it('reports readiness with failing dependencies named, and non-critical ones not failing it', async () => {
    built = await buildService(exampleService(), noVault);
    built.ctx.health.add({ name: 'database', check: async () => { throw new Error('connection refused'); } });
    built.ctx.health.add({ name: 'mail', critical: false, check: async () => { throw new Error('smtp down'); } });
    let res = await built.app.inject('/health/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.database).toMatchObject({ status: 'DOWN', error: 'connection refused' });
    built.ctx.health.remove('database');
    res = await built.app.inject('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.mail.status).toBe('DOWN');
  });

  it('on stop: fails readiness, stops intake before draining in-flight requests, closes pools last', async () => {
    const events: string[] = [];
    built = await buildService(exampleService(events), noVault);
    await built.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(built.app.server.address() as { port: number }).port}`;
    const inflight = fetch(`${base}/slow`).then((r) => r.json());
    while (!events.includes('slow started')) await new Promise((r) => setTimeout(r, 5));
    const stopped = built.stop('test');
    const refused = (await fetch(`${base}/greeting`).then((r) => r.json()).catch(() => ({ code: 'connection closed' }))) as { code: string };
    expect(['SHUTTING_DOWN', 'connection closed']).toContain(refused.code);
    expect(await inflight).toEqual({ ok: true });
    await stopped;
    expect(events).toEqual(['slow started', 'consumer closed', 'slow finished', 'pool closed']);
  });
});
