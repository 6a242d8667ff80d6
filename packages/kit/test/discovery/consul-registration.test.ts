import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/index.js';
import { ConsulRegistration, ConsulRequestError, DiscoverySettings } from '../../src/discovery/index.js';
import { closedPort, recordingLogger } from './support.js';

// Without Consul: what start-up and shutdown do when it cannot be reached.
// Registration against the live agent is in consul.int.test.ts.

async function unreachable(flat: Record<string, unknown> = {}) {
  const logger = recordingLogger();
  const registration = new ConsulRegistration({
    settings: resolveSettings(DiscoverySettings, { 'consul.url': `http://127.0.0.1:${await closedPort()}`, 'consul.backoff.initialMs': 60_000, ...flat }),
    service: { name: 'svc', version: '1.0.0' },
    listen: { address: '127.0.0.1', port: 8081 },
    logger,
  });
  return { registration, logger };
}

describe('ConsulRegistration without a reachable Consul', () => {
  it('with failFast, fails start-up with the Consul error', async () => {
    const { registration } = await unreachable({ 'registration.failFast': true });
    await expect(registration.register()).rejects.toBeInstanceOf(ConsulRequestError);
    await registration.deregister();
  });

  it('without failFast, lets start-up continue with one warning and keeps trying in the background', async () => {
    const { registration, logger } = await unreachable();
    await registration.register();
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(['cannot register in Consul yet; retrying in the background']);
    await registration.deregister();
  });

  it('never throws from deregister(), so shutdown goes on when Consul is gone', async () => {
    const { registration, logger } = await unreachable();
    await registration.register();
    await expect(registration.deregister()).resolves.toBeUndefined();
    expect(logger.lines.some((l) => l.level === 'warn' && /could not deregister/.test(l.message))).toBe(true);
    await expect(registration.deregister()).resolves.toBeUndefined();
  });

  it('does not touch Consul when registration is disabled or discovery is static', async () => {
    for (const flat of [{ 'registration.enabled': false }, { mode: 'static' }]) {
      const { registration, logger } = await unreachable({ ...flat, 'registration.failFast': true });
      await registration.register();
      await registration.deregister();
      expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    }
  });
});
