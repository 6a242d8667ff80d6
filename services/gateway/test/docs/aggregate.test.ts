import { describe, expect, it } from 'vitest';
import { StaticResolver } from '@nimbus/kit';
import { aggregateOpenApi, publicPath, renameComponents } from '../../src/docs/aggregate.js';
import { orderRoutes } from '../../src/routing/match.js';
import type { RouteSettings } from '../../src/settings.js';

const route = (over: Partial<RouteSettings>): RouteSettings => ({ id: 'r', path: '/api/x', service: 's', stripPrefix: 0, prefixPath: '', timeoutMs: 0, auth: 'authenticated', rules: [], ...over });

const products = route({ id: 'products', path: '/api/products', service: 'product-service', stripPrefix: 1, rules: [{ methods: ['POST'], roles: ['admin'], scopes: [] }] });
const catalog = route({ id: 'catalog', path: '/api/catalog', service: 'catalog-service', stripPrefix: 2, prefixPath: '/catalog/v2' });
const auth = route({ id: 'auth', path: '/api/auth', service: 'auth-server', auth: 'public' });
const admin = route({ id: 'admin', path: '/api/auth/admin', service: 'admin-service' });
const routes = orderRoutes([products, catalog, auth, admin]);

describe('public paths of service paths', () => {
  it('puts back the segments stripPrefix removed, templates included', () => {
    expect(publicPath(routes, products, '/products')).toBe('/api/products');
    expect(publicPath(routes, products, '/products/{id}')).toBe('/api/products/{id}');
  });

  it('removes prefixPath, on segment boundaries only', () => {
    expect(publicPath(routes, catalog, '/catalog/v2')).toBe('/api/catalog');
    expect(publicPath(routes, catalog, '/catalog/v2/{sku}/prices')).toBe('/api/catalog/{sku}/prices');
    expect(publicPath(routes, catalog, '/catalog/v1/{sku}')).toBeUndefined();
    expect(publicPath(routes, catalog, '/catalog/v2x')).toBeUndefined();
  });

  it('does not expose a service path outside its route, or one a longer route takes', () => {
    expect(publicPath(routes, products, '/internal/reindex')).toBeUndefined();
    expect(publicPath(routes, auth, '/api/auth/login')).toBe('/api/auth/login');
    expect(publicPath(routes, auth, '/oauth2/token')).toBeUndefined();
    expect(publicPath(routes, auth, '/api/auth/admin/users')).toBeUndefined();
  });
});

describe('OpenAPI aggregation', () => {
  it('prefixes component names with the service and rewrites their refs', () => {
    const doc = { paths: { '/a': { get: { responses: { 200: { $ref: '#/components/schemas/Problem' } } } } }, components: { schemas: { Problem: { type: 'object' } } } };
    const out = renameComponents(doc, 'svc');
    expect(out.components).toEqual({ schemas: { 'svc.Problem': { type: 'object' } } });
    expect(JSON.stringify(out.paths)).toContain('#/components/schemas/svc.Problem');
  });

  it('merges the exposed paths under their public paths, with the security the gateway enforces', async () => {
    const resolver = new StaticResolver({ services: { 'product-service': ['http://p:1'], 'auth-server': ['http://a:1'] }, quarantineMs: 0 });
    const bearer = { bearerAuth: { type: 'http', scheme: 'bearer' } };
    const docs: Record<string, unknown> = {
      'http://p:1': {
        paths: { '/products/{id}': { get: {} }, '/products': { post: { requestBody: { $ref: '#/components/requestBodies/New' } } }, '/internal/reindex': { post: {} } },
        components: { schemas: { Product: {} }, requestBodies: { New: {} }, securitySchemes: bearer },
      },
      'http://a:1': { paths: { '/api/auth/login': { post: {} }, '/api/auth/me': { get: { security: [{ bearerAuth: [] }] } } }, components: { securitySchemes: bearer } },
    };
    const doc = await aggregateOpenApi([products, auth], resolver, async (url) => docs[url] ?? Promise.reject(new Error('unexpected')));

    expect(Object.keys(doc.paths).sort()).toEqual(['/api/auth/login', '/api/auth/me', '/api/products', '/api/products/{id}']);
    expect(doc.paths['/api/products/{id}']?.['get']).toEqual({ security: [{ bearerAuth: [] }] });
    expect(doc.paths['/api/products']?.['post']).toMatchObject({ security: [{ bearerAuth: [] }], 'x-nimbus-access': { anyOfRoles: ['admin'] }, requestBody: { $ref: '#/components/requestBodies/product-service.New' } });
    // Public route: the service's own requirement stays, none means open.
    expect(doc.paths['/api/auth/me']?.['get']).toEqual({ security: [{ bearerAuth: [] }] });
    expect(doc.paths['/api/auth/login']?.['post']).toEqual({ security: [] });
    expect(doc.components['securitySchemes']).toEqual({ bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    expect(doc.components['schemas']).toHaveProperty(['product-service.Product']);
    expect(doc.servers).toEqual([{ url: '/' }]);
  });

  it('lists a service that cannot be reached, or has no instance, instead of failing', async () => {
    const resolver = new StaticResolver({ services: { 'product-service': ['http://p:1'] }, quarantineMs: 0 });
    const doc = await aggregateOpenApi([products, catalog], resolver, () => Promise.reject(new Error('connection refused')));
    expect(doc.paths).toEqual({});
    expect(doc['x-nimbus-sources']['product-service']).toBe('connection refused');
    expect(doc['x-nimbus-sources']['catalog-service']).toContain('catalog-service');
  });
});
