import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/index.js';
import { ConsulResolver, DiscoverySettings } from '../../src/discovery/index.js';
import { isProblemError } from '../../src/errors/problem.js';
import { closedPort, recordingLogger } from './support.js';

// No Consul here: a resolver pointed at a port nothing listens on shows
// what callers see before Consul ever answered. The live behaviour is in
// consul.int.test.ts.

describe('ConsulResolver without a reachable Consul', () => {
  it('primes to [] without rejecting, then next() explains that Consul is unreachable', async () => {
    const port = await closedPort();
    const registry = new Registry();
    const logger = recordingLogger();
    const resolver = new ConsulResolver({
      settings: resolveSettings(DiscoverySettings, { 'consul.url': `http://127.0.0.1:${port}`, 'consul.backoff.initialMs': 60_000 }),
      logger,
      registry,
    });
    try {
      expect(await resolver.prime('product-service')).toEqual([]);
      let caught: unknown;
      try {
        resolver.next('product-service');
      } catch (err) {
        caught = err;
      }
      expect(isProblemError(caught) && caught.code).toBe('NO_INSTANCES');
      expect(isProblemError(caught) && caught.detail).toMatch(/product-service: Consul is unreachable/);
      expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
      const errors = await registry.getSingleMetricAsString('nimbus_discovery_errors_total');
      expect(errors).toContain('nimbus_discovery_errors_total{service="product-service"} 1');
      expect((await resolver.health()).services['product-service']).toMatchObject({ instances: 0, error: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await resolver.close();
    }
  });

  it('stops watching on close() and still answers resolve() from the cache afterwards', async () => {
    const port = await closedPort();
    const resolver = new ConsulResolver({
      settings: resolveSettings(DiscoverySettings, { 'consul.url': `http://127.0.0.1:${port}` }),
      logger: recordingLogger(),
    });
    await resolver.prime('a');
    await resolver.close();
    expect(resolver.resolve('a')).toEqual([]);
    expect(await resolver.prime('never-watched')).toEqual([]);
  });
});
