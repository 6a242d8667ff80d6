import { describe, expect, it } from 'vitest';
import { StaticResolver } from '../../src/discovery/index.js';
import { isProblemError } from '../../src/errors/problem.js';

describe('StaticResolver', () => {
  const resolver = new StaticResolver({
    services: {
      'product-service': ['http://127.0.0.1:8081', 'http://127.0.0.1:9081/'],
      secure: ['https://shop.example'],
      v6: ['http://[::1]:8083'],
    },
    quarantineMs: 10_000,
  });

  it('turns configured URLs into instances with address, port and a normalised base URL', () => {
    expect(resolver.resolve('product-service').map((i) => [i.address, i.port, i.url])).toEqual([
      ['127.0.0.1', 8081, 'http://127.0.0.1:8081'],
      ['127.0.0.1', 9081, 'http://127.0.0.1:9081'],
    ]);
    expect(resolver.resolve('secure')[0]).toMatchObject({ port: 443, url: 'https://shop.example:443' });
    expect(resolver.resolve('v6')[0]).toMatchObject({ address: '::1', url: 'http://[::1]:8083' });
  });

  it('round-robins next() across the configured instances', () => {
    expect([1, 2, 3].map(() => resolver.next('product-service').port)).toEqual([8081, 9081, 8081]);
  });

  it('answers an unknown service with [] from resolve() and NO_INSTANCES from next()', async () => {
    expect(resolver.resolve('nope')).toEqual([]);
    expect(await resolver.prime('nope')).toEqual([]);
    let caught: unknown;
    try {
      resolver.next('nope');
    } catch (err) {
      caught = err;
    }
    expect(isProblemError(caught) && caught.code).toBe('NO_INSTANCES');
  });

  it('fails at construction on a value that is not an http(s) URL, naming the setting', () => {
    expect(() => new StaticResolver({ services: { x: ['127.0.0.1:80'] }, quarantineMs: 0 })).toThrow(/discovery\.static\.services\.x/);
    expect(() => new StaticResolver({ services: { x: ['ftp://h/'] }, quarantineMs: 0 })).toThrow(/http or https/);
  });

  it('reports itself reachable with instance counts per service', async () => {
    const health = await resolver.health();
    expect(health).toMatchObject({ mode: 'static', reachable: true });
    expect(health.services['product-service']).toEqual({ instances: 2, quarantined: 0 });
  });
});
