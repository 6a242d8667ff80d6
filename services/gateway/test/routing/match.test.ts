import { describe, expect, it } from 'vitest';
import { matchRoute, matchesPrefix, orderRoutes, rewritePath, stripSegments } from '../../src/routing/match.js';
import { DEFAULT_ROUTES, type RouteSettings } from '../../src/settings.js';

const route = (over: Partial<RouteSettings>): RouteSettings => ({ id: 'r', path: '/api/x', service: 's', stripPrefix: 0, prefixPath: '', timeoutMs: 0, auth: 'authenticated', rules: [], ...over });

describe('route matching', () => {
  const ordered = orderRoutes(DEFAULT_ROUTES);

  it('matches a prefix only on segment boundaries', () => {
    expect(matchesPrefix('/api/products', '/api/products')).toBe(true);
    expect(matchesPrefix('/api/products', '/api/products/42')).toBe(true);
    expect(matchesPrefix('/api/products/', '/api/products/42')).toBe(true);
    expect(matchesPrefix('/api/products', '/api/productsX')).toBe(false);
    expect(matchesPrefix('/api/products', '/api')).toBe(false);
  });

  it('sends each default prefix to its service at the path the service serves, keeping the query', () => {
    expect(matchRoute(ordered, '/api/products/1?x=2')).toMatchObject({ route: { service: 'product-service' }, upstreamPath: '/products/1?x=2' });
    expect(matchRoute(ordered, '/api/orders')).toMatchObject({ route: { service: 'order-service' }, upstreamPath: '/orders' });
    expect(matchRoute(ordered, '/api/inventory/sku-1')).toMatchObject({ route: { service: 'inventory-service' }, upstreamPath: '/inventory/sku-1' });
    expect(matchRoute(ordered, '/api/notifications')).toMatchObject({ route: { service: 'notification-service' }, upstreamPath: '/notifications' });
    expect(matchRoute(ordered, '/api/auth/login')).toMatchObject({ route: { service: 'auth-server', auth: 'public' }, upstreamPath: '/api/auth/login' });
    expect(matchRoute(ordered, '/oauth2/token')?.route.auth).toBe('public');
    expect(matchRoute(ordered, '/.well-known/jwks.json')?.route.service).toBe('auth-server');
    expect(matchRoute(ordered, '/api/unknown')).toBeUndefined();
  });

  it('tries the longest prefix first, whatever the configured order', () => {
    const routes = orderRoutes([route({ id: 'all', path: '/api' }), route({ id: 'admin', path: '/api/admin' })]);
    expect(matchRoute(routes, '/api/admin/users')?.route.id).toBe('admin');
    expect(matchRoute(routes, '/api/other')?.route.id).toBe('all');
  });

  it('refuses dot segments, encoded or not, instead of normalising them across routes', () => {
    expect(matchRoute(ordered, '/api/products/../orders')).toBeUndefined();
    expect(matchRoute(ordered, '/api/products/%2e%2e/orders')).toBeUndefined();
    expect(matchRoute(ordered, '/api/products/%zz')).toBeUndefined();
  });

  it('strips leading segments and prepends a prefix (Spring StripPrefix, PrefixPath)', () => {
    expect(stripSegments('/api/products/1', 1)).toBe('/products/1');
    expect(stripSegments('/api/products', 2)).toBe('/');
    expect(rewritePath(route({ stripPrefix: 2, prefixPath: '/v2/items' }), '/api/x/7')).toBe('/v2/items/7');
    expect(rewritePath(route({ stripPrefix: 2, prefixPath: '/v2/' }), '/api/x')).toBe('/v2');
    expect(matchRoute([route({ stripPrefix: 1 })], '/api/x/1?q=1')?.upstreamPath).toBe('/x/1?q=1');
  });
});
