import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('gateway API docs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers the merged public API document at /openapi.json and its old URL', async () => {
    const productDoc = { openapi: '3.1.0', paths: { '/products/{id}': { get: { responses: {} } } }, components: { schemas: { Product: { type: 'object' } } } };
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) =>
      String(input) === 'http://product.test:1/openapi.json' ? Response.json(productDoc) : Promise.reject(new TypeError('fetch failed')),
    );
    const { app, stop } = await offline({ 'discovery.static.services': { 'product-service': ['http://product.test:1'] } });
    const res = await app.inject('/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.paths).toEqual({ '/api/products/{id}': { get: { responses: {}, security: [{ bearerAuth: [] }] } } });
    expect(doc.components.schemas).toHaveProperty(['product-service.Product']);
    expect(doc['x-nimbus-sources']).toMatchObject({ 'product-service': 'ok', 'order-service': expect.stringContaining('order-service') });
    expect((await app.inject('/openapi/aggregate.json')).json()).toEqual(doc);
    await stop();
  });

  it('serves the docs UI without a token, outside the rate limit, under a CSP with no remote sources', async () => {
    const { app, stop } = await offline({ 'gateway.rateLimit.max': 1 });
    for (let i = 0; i < 3; i++) {
      const res = await app.inject('/docs');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
    }
    const csp = String((await app.inject('/docs')).headers['content-security-policy']);
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    // Every source is a keyword or data: (styles may be inline): no host, scheme or wildcard.
    for (const values of directives.values()) for (const v of values) expect(v).toMatch(/^('[a-z-]+'|data:)$/);
    await stop();
  });

  it('serves every asset the docs page loads, and points swagger-ui at /openapi.json', async () => {
    const { app, stop } = await offline();
    const html = (await app.inject('/docs')).body;
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-ui.css', '/docs/static/swagger-initializer.js']));
    for (const url of assets) expect((await app.inject(url)).statusCode, url).toBe(200);
    expect((await app.inject('/docs/static/swagger-initializer.js')).body).toContain('"/openapi.json"');
    expect((await app.inject('/docs/json')).headers['location']).toBe('/openapi.json');
    await stop();
  });
});
