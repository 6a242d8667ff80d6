import { describe, expect, it } from 'vitest';
import { silentLogger, staticSource, type ConfigSource, type Flat } from '@nimbus/kit';
import { buildApp } from '../src/app.js';

// A deep copy per load: the config store freezes what it validated (arrays of routes included).
const fresh = (values: Flat): ConfigSource => ({ name: 'test', load: () => Promise.resolve(structuredClone(values)) });
const offline = (values: Flat = {}) =>
  buildApp({ vault: false, configServer: false, env: {}, logger: silentLogger, sources: [staticSource('test', { 'discovery.mode': 'static' }), fresh(values)] });
const openRoute = { 'gateway.routes': [{ id: 'open', path: '/api/open', service: 'nowhere-service', auth: 'public' }] };

describe('gateway app', () => {
  it('reports itself ready under its own name, with each upstream in the details', async () => {
    const { app, stop } = await offline();
    const res = await app.inject('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'UP', service: 'gateway' });
    expect(JSON.stringify(res.json())).toContain('product-service');
    await stop();
  });

  it('answers 404 problem+json for a path no route matches', async () => {
    const { app, stop } = await offline();
    const res = await app.inject('/nowhere');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    await stop();
  });

  it('answers 401 with WWW-Authenticate: Bearer before touching an upstream when the token is missing', async () => {
    const { app, stop } = await offline();
    const res = await app.inject('/api/orders/1');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    await stop();
  });

  it('sets security headers (helmet)', async () => {
    const { app, stop } = await offline();
    const res = await app.inject('/nowhere');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    await stop();
  });

  it('answers 503 NO_INSTANCES when discovery knows no instance of the route service', async () => {
    const { app, stop } = await offline(openRoute);
    const res = await app.inject('/api/open/1');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'NO_INSTANCES' });
    await stop();
  });

  it('refuses a body over server.bodyLimitBytes with 413 before forwarding', async () => {
    const { app, stop } = await offline({ ...openRoute, 'server.bodyLimitBytes': 1024 });
    const res = await app.inject({ method: 'POST', url: '/api/open', payload: { text: 'x'.repeat(2_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await stop();
  });

  it('answers CORS preflights for configured origins only', async () => {
    const { app, stop } = await offline({ ...openRoute, 'gateway.cors.origins': ['https://shop.test'] });
    const preflight = (origin: string) => app.inject({ method: 'OPTIONS', url: '/api/open', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight('https://shop.test')).headers['access-control-allow-origin']).toBe('https://shop.test');
    expect((await preflight('https://evil.test')).headers['access-control-allow-origin']).toBeUndefined();
    await stop();
  });
});
