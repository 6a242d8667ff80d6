import { createServer as createHttpServer } from 'node:http';
import { createConnection, createServer as createTcpServer, type Socket } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/index.js';
import { ConsulRegistration, ConsulResolver, DiscoverySettings, discoveryHealthCheck } from '../../src/discovery/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { endpoint, eventually, uniqueName } from '../support/endpoints.js';

const consulUrl = endpoint('CONSUL_URL');

/** Fast checks so a state change shows within seconds; everything else as in production. */
const settings = (flat: Record<string, unknown> = {}) =>
  resolveSettings(DiscoverySettings, {
    'consul.url': consulUrl,
    'registration.check.intervalMs': 1_000,
    'registration.check.timeoutMs': 500,
    'consul.backoff.initialMs': 200,
    'consul.backoff.maxMs': 1_000,
    ...flat,
  });

/** A real HTTP server standing in for one instance of a service: ready, and says who it is. */
async function startInstance(label: string) {
  const server = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/health/ready' ? { status: 'UP' } : { instance: label }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A TCP pass-through to the live Consul that can be cut, to play a network partition. */
async function cuttableConsul() {
  const target = new URL(consulUrl);
  const sockets = new Set<Socket>();
  const proxy = createTcpServer((client) => {
    const upstream = createConnection(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async cut() {
      await new Promise<void>((r) => {
        proxy.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

async function agentHas(id: string): Promise<boolean> {
  const res = await request(`${consulUrl}/v1/agent/service/${encodeURIComponent(id)}`);
  await res.body.dump();
  return res.statusCode === 200;
}

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function registered(name: string, label: string, flat: Record<string, unknown> = {}) {
  const instance = await startInstance(label);
  const registration = new ConsulRegistration({
    settings: settings(flat),
    service: { name, version: '1.2.3', zone: 'zone-a' },
    listen: { address: '127.0.0.1', port: instance.port },
    logger: silentLogger,
  });
  await registration.register();
  cleanup.push(() => instance.stop(), () => registration.deregister());
  return { instance, registration };
}

function resolver(flat: Record<string, unknown> = {}) {
  const r = new ConsulResolver({ settings: settings(flat), logger: silentLogger });
  cleanup.push(() => r.close());
  return r;
}

describe('Consul discovery (live Consul)', () => {
  it('registers an instance, and once its HTTP check passes the resolver returns it with version and zone', async () => {
    const name = uniqueName('kit-disc');
    const { instance, registration } = await registered(name, 'a');
    const r = resolver();
    const [found] = await eventually(() => (r.resolve(name).length === 1 ? r.resolve(name) : undefined), 20_000, 'a passing instance');
    expect(found).toMatchObject({ id: registration.id, service: name, address: '127.0.0.1', port: instance.port, url: `http://127.0.0.1:${instance.port}` });
    expect(found?.meta).toMatchObject({ version: '1.2.3', zone: 'zone-a' });
    expect(registration.id).toBe(`${name}-127.0.0.1-${instance.port}`);
  });

  it('round-robins between two passing instances', async () => {
    const name = uniqueName('kit-disc');
    const a = await registered(name, 'a');
    const b = await registered(name, 'b');
    const r = resolver();
    await eventually(() => (r.resolve(name).length === 2 ? true : undefined), 20_000, 'two passing instances');
    const ids = [r.next(name).id, r.next(name).id, r.next(name).id, r.next(name).id];
    expect(new Set(ids)).toEqual(new Set([a.registration.id, b.registration.id]));
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[0]).toBe(ids[2]);
  });

  it('drops an instance whose check goes critical (its server stopped) on the next blocking-query update', async () => {
    const name = uniqueName('kit-disc');
    const a = await registered(name, 'a');
    const b = await registered(name, 'b');
    const r = resolver();
    await eventually(() => (r.resolve(name).length === 2 ? true : undefined), 20_000, 'two passing instances');
    await a.instance.stop();
    const left = await eventually(() => (r.resolve(name).length === 1 ? r.resolve(name) : undefined), 20_000, 'the stopped instance to disappear');
    expect(left[0]?.id).toBe(b.registration.id);
  });

  it('keeps serving the cached instances while Consul is unreachable, and reports it in health', async () => {
    const name = uniqueName('kit-disc');
    const a = await registered(name, 'a');
    const path = await cuttableConsul();
    const r = resolver({ 'consul.url': path.url });
    await eventually(() => (r.resolve(name).length === 1 ? true : undefined), 20_000, 'a passing instance');
    await path.cut();
    await eventually(async () => ((await r.health()).reachable === false ? true : undefined), 10_000, 'Consul to be reported unreachable');
    await eventually(async () => ((await r.health()).services[name]?.error ? true : undefined), 10_000, 'the watch to notice');
    expect(r.next(name).id).toBe(a.registration.id);
    await expect(discoveryHealthCheck(r).check()).rejects.toThrow(new RegExp(`serving cached instances: ${name}=1`));
  });

  it('a first resolve of an unknown name fetches it and starts watching (new instances appear)', async () => {
    const name = uniqueName('kit-disc');
    const r = resolver();
    expect(await r.prime(name)).toEqual([]);
    const a = await registered(name, 'a');
    const [found] = await eventually(() => (r.resolve(name).length === 1 ? r.resolve(name) : undefined), 20_000, 'the new instance to be watched in');
    expect(found?.id).toBe(a.registration.id);
  });

  it('registers again when Consul lost the registration (as after an agent restart)', async () => {
    const name = uniqueName('kit-disc');
    const { registration } = await registered(name, 'a', { 'registration.verifyIntervalMs': 1_000 });
    expect(await agentHas(registration.id)).toBe(true);
    const lost = await request(`${consulUrl}/v1/agent/service/deregister/${encodeURIComponent(registration.id)}`, { method: 'PUT' });
    await lost.body.dump();
    expect(await agentHas(registration.id)).toBe(false);
    await eventually(async () => ((await agentHas(registration.id)) ? true : undefined), 15_000, 'the registration to be restored');
  });

  it('deregister() removes the instance from Consul and from resolvers', async () => {
    const name = uniqueName('kit-disc');
    const { registration } = await registered(name, 'a');
    const r = resolver();
    await eventually(() => (r.resolve(name).length === 1 ? true : undefined), 20_000, 'a passing instance');
    await registration.deregister();
    expect(await agentHas(registration.id)).toBe(false);
    await eventually(() => (r.resolve(name).length === 0 ? true : undefined), 15_000, 'the instance to leave the cache');
  });
});
