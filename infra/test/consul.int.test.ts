import Consul from 'consul';
import { describe, expect, it } from 'vitest';
import { endpoint, eventually, uniqueName } from './endpoints.js';

describe('Consul smoke (consul client)', () => {
  const url = new URL(endpoint('CONSUL_URL'));
  const consul = new Consul({ host: url.hostname, port: Number(url.port) });

  it('registers a service with a TTL check, sees it healthy, then deregisters it', async () => {
    const id = uniqueName('smoke-svc');
    await consul.agent.service.register({
      name: 'smoke-service',
      id,
      address: '127.0.0.1',
      port: 1234,
      tags: ['smoke'],
      meta: { version: '1.0.0', zone: 'local' },
      check: { name: 'ttl', ttl: '30s', deregistercriticalserviceafter: '1m' } as never,
    });
    try {
      await consul.agent.check.pass({ id: `service:${id}` });
      const healthy = await eventually(async () => {
        const entries = (await consul.health.service({ service: 'smoke-service', passing: true })) as Array<{ Service: { ID: string; Meta: Record<string, string> } }>;
        return entries.find((e) => e.Service.ID === id);
      }, 10_000, 'a passing instance');
      expect(healthy.Service.Meta).toMatchObject({ version: '1.0.0', zone: 'local' });
    } finally {
      await consul.agent.service.deregister(id);
    }
    const after = (await consul.health.service({ service: 'smoke-service' })) as Array<{ Service: { ID: string } }>;
    expect(after.some((e) => e.Service.ID === id)).toBe(false);
  });
});
