import { describe, expect, it } from 'vitest';
import { StaticResolver } from '@nimbus/kit';
import { aggregateOpenApi, renameComponents } from '../../src/docs/aggregate.js';
import type { RouteSettings } from '../../src/settings.js';

const route = (over: Partial<RouteSettings>): RouteSettings => ({ id: 'r', path: '/api/x', service: 's', stripPrefix: 0, prefixPath: '', timeoutMs: 0, auth: 'authenticated', rules: [], ...over });

describe('OpenAPI aggregation', () => {
  it('prefixes component names with the service and rewrites their refs', () => {
    const doc = { paths: { '/a': { get: { responses: { 200: { $ref: '#/components/schemas/Problem' } } } } }, components: { schemas: { Problem: { type: 'object' } } } };
    const out = renameComponents(doc, 'svc');
    expect(out.components).toEqual({ schemas: { 'svc.Problem': { type: 'object' } } });
    expect(JSON.stringify(out.paths)).toContain('#/components/schemas/svc.Problem');
  });

  it('keeps only paths a route exposes, and reports an unreachable service instead of failing', async () => {
    const resolver = new StaticResolver({ services: { products: ['http://10.0.0.1:1'], orders: ['http://10.0.0.2:1'] }, quarantineMs: 0 });
    const routes = [route({ id: 'p', path: '/api/products', service: 'products' }), route({ id: 'o', path: '/api/orders', service: 'orders' })];
    const docs: Record<string, unknown> = {
      'http://10.0.0.1:1': { paths: { '/api/products/{id}': { get: {} }, '/internal/reindex': { post: {} } }, components: { schemas: { Product: {} } } },
    };
    const result = await aggregateOpenApi(routes, resolver, async (url) => {
      const doc = docs[url];
      if (!doc) throw new Error('connection refused');
      return doc;
    });
    expect(Object.keys(result.paths)).toEqual(['/api/products/{id}']);
    expect(result.components['schemas']).toHaveProperty(['products.Product']);
    expect(result['x-nimbus-sources']).toEqual({ products: 'ok', orders: 'connection refused' });
  });
});
