import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/index.js';
import { DiscoverySettings, registrationDefinition } from '../../src/discovery/index.js';

const settings = (flat: Record<string, unknown> = {}) => resolveSettings(DiscoverySettings, flat);
const service = { name: 'product-service', version: '1.4.2', zone: 'eu-1' };

describe('registrationDefinition', () => {
  it('registers <name>-<address>-<port> with an HTTP check on /health/ready every 10 s (Spring defaults)', () => {
    const def = registrationDefinition(settings(), service, { address: '10.0.0.7', port: 8081 });
    expect(def).toEqual({
      ID: 'product-service-10.0.0.7-8081',
      Name: 'product-service',
      Address: '10.0.0.7',
      Port: 8081,
      Tags: [],
      Meta: { version: '1.4.2', zone: 'eu-1' },
      Check: { HTTP: 'http://10.0.0.7:8081/health/ready', Method: 'GET', Interval: '10000ms', Timeout: '5000ms', DeregisterCriticalServiceAfter: '60000ms' },
    });
  });

  it('advertises 127.0.0.1 when the server listens on a wildcard address', () => {
    expect(registrationDefinition(settings(), service, { address: '0.0.0.0', port: 8081 }).Address).toBe('127.0.0.1');
    expect(registrationDefinition(settings(), service, { address: '::', port: 8081 }).Address).toBe('127.0.0.1');
  });

  it('prefers the configured address, port, zone, tags, meta and check over what it derives', () => {
    const def = registrationDefinition(
      settings({
        'registration.address': 'product-1.internal',
        'registration.port': 9000,
        'registration.zone': 'eu-2',
        'registration.tags': ['blue'],
        'registration.meta': { team: 'catalog', version: 'spoofed' },
        'registration.check.path': 'ready',
        'registration.check.intervalMs': 2_000,
      }),
      service,
      { address: '0.0.0.0', port: 8081 },
    );
    expect(def).toMatchObject({
      ID: 'product-service-product-1.internal-9000',
      Address: 'product-1.internal',
      Port: 9000,
      Tags: ['blue'],
      Meta: { team: 'catalog', version: '1.4.2', zone: 'eu-2' },
      Check: { HTTP: 'http://product-1.internal:9000/ready', Interval: '2000ms' },
    });
  });

  it('appends a random suffix to the ID when asked, and uses a configured ID verbatim', () => {
    const suffixed = registrationDefinition(settings({ 'registration.randomSuffix': true }), service, { address: '10.0.0.7', port: 8081 }, () => 'abcd');
    expect(suffixed.ID).toBe('product-service-10.0.0.7-8081-abcd');
    expect(registrationDefinition(settings({ 'registration.instanceId': 'p-1' }), service, { port: 8081 }).ID).toBe('p-1');
  });

  it('makes an ID Consul accepts from an IPv6 address, and brackets it in the check URL', () => {
    const def = registrationDefinition(settings(), service, { address: 'fd00::7', port: 8081 });
    expect(def.ID).toBe('product-service-fd00--7-8081');
    expect(def.Check.HTTP).toBe('http://[fd00::7]:8081/health/ready');
  });

  it('refuses to register port 0, which means the server is not listening yet', () => {
    expect(() => registrationDefinition(settings(), service, { port: 0 })).toThrow(/register after listen/);
  });
});
