import { createServer } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceClient } from '../../src/client/index.js';
import { resolveSettings } from '../../src/config/index.js';
import { ConsulRegistration, ConsulResolver, DiscoverySettings } from '../../src/discovery/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { endpoint, eventually, uniqueName } from '../support/endpoints.js';
import { clientSettings } from './support.js';

const discovery = resolveSettings(DiscoverySettings, {
  'consul.url': endpoint('CONSUL_URL'),
  'registration.check.intervalMs': 1_000,
  'registration.check.timeoutMs': 500,
});

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function instance(name: string, label: string) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/health/ready' ? { status: 'UP' } : { instance: label }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const registration = new ConsulRegistration({ settings: discovery, service: { name, version: '1.0.0' }, listen: { address: '127.0.0.1', port }, logger: silentLogger });
  await registration.register();
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }, () => registration.deregister());
}

describe('service client over Consul discovery (live Consul)', () => {
  it('calls the passing instances of a service found in Consul, round-robin', async () => {
    const name = uniqueName('kit-client');
    await instance(name, 'a');
    await instance(name, 'b');
    const resolver = new ConsulResolver({ settings: discovery, logger: silentLogger });
    const client = createServiceClient({ resolver, settings: clientSettings(), logger: silentLogger, registry: new Registry() });
    cleanup.push(() => resolver.close(), () => client.close());

    await eventually(async () => ((await resolver.prime(name)).length === 2 ? true : undefined), 20_000, 'two passing instances');
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push((await client.request(name, { path: '/whoami', auth: 'none' })).json<{ instance: string }>().instance);
    expect(new Set(seen)).toEqual(new Set(['a', 'b']));
    expect(seen[0]).toBe(seen[2]);
    expect(seen[0]).not.toBe(seen[1]);
  });
});
