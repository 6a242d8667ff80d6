import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { resolveSettings, undocumentedSettings } from '../../src/config/index.js';
import { DiscoverySettings } from '../../src/discovery/index.js';
import { isProblemError } from '../../src/errors/problem.js';

describe('DiscoverySettings', () => {
  it('gives every setting a default and a description', () => {
    expect(undocumentedSettings(DiscoverySettings)).toEqual([]);
  });

  it('defaults to Consul on the local agent with Spring’s 10 s health check', () => {
    const s = resolveSettings(DiscoverySettings, {});
    expect(s.mode).toBe('consul');
    expect(s.consul.url).toBe('http://127.0.0.1:8500');
    expect(s.registration.check).toMatchObject({ path: '/health/ready', intervalMs: 10_000 });
    expect(Value.Check(DiscoverySettings, s)).toBe(true);
  });

  it('rejects a deregister-after shorter than Consul’s 1 minute minimum at boot', () => {
    let caught: unknown;
    try {
      resolveSettings(DiscoverySettings, { 'registration.check.deregisterCriticalAfterMs': 10_000 });
    } catch (err) {
      caught = err;
    }
    expect(isProblemError(caught) && caught.code).toBe('CONFIG_INVALID');
  });
});
