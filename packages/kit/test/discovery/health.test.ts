import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/index.js';
import { ConsulResolver, DiscoverySettings, discoveryHealthCheck, StaticResolver } from '../../src/discovery/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { closedPort } from './support.js';

describe('discoveryHealthCheck', () => {
  const resolver = new StaticResolver({ services: { 'product-service': ['http://127.0.0.1:8081'] }, quarantineMs: 0 });

  it('reports the instance count per service and is not critical by default', async () => {
    const check = discoveryHealthCheck(resolver);
    expect(check.critical).toBe(false);
    expect(await check.check()).toEqual({ mode: 'static', instances: { 'product-service': 1 } });
  });

  it('fails when a required service has no instance (gateway readiness)', async () => {
    const check = discoveryHealthCheck(resolver, { requireInstancesOf: ['product-service', 'order-service'], critical: true });
    await expect(check.check()).rejects.toThrow(/no passing instance of order-service/);
  });

  it('fails naming the Consul error when Consul is unreachable', async () => {
    const port = await closedPort();
    const consul = new ConsulResolver({
      settings: resolveSettings(DiscoverySettings, { 'consul.url': `http://127.0.0.1:${port}`, 'consul.requestTimeoutMs': 500 }),
      logger: silentLogger,
    });
    try {
      await expect(discoveryHealthCheck(consul).check()).rejects.toThrow(/consul unreachable .*ECONNREFUSED/);
    } finally {
      await consul.close();
    }
  });
});
