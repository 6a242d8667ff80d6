import { describe, expect, it } from 'vitest';
import { resolveSettings, undocumentedSettings } from '../../src/config/index.js';
import { ClientSettings, policyFor } from '../../src/client/index.js';

describe('ClientSettings', () => {
  it('gives every setting a default and a description', () => {
    expect(undocumentedSettings(ClientSettings)).toEqual([]);
  });

  it('merges a service’s override over the defaults and leaves other services on the defaults', () => {
    const s = resolveSettings(ClientSettings, {
      'defaults.timeoutMs': 3_000,
      'services.inventory-service.timeoutMs': '800',
      'services.inventory-service.breaker.kind': 'sampling',
    });
    const inventory = policyFor(s, 'inventory-service');
    expect(inventory.timeoutMs).toBe(800);
    expect(inventory.breaker).toMatchObject({ kind: 'sampling', failureRateThreshold: 0.5, halfOpenAfterMs: 30_000 });
    expect(inventory.retry).toEqual(s.defaults.retry);
    expect(policyFor(s, 'product-service').timeoutMs).toBe(3_000);
  });

  it('keeps overrides sparse: the config loader fills no default into them that would mask client.defaults', () => {
    const s = resolveSettings(ClientSettings, { 'defaults.retry.retries': 1, 'services.x.timeoutMs': 10 });
    expect(s.services['x']).toEqual({ timeoutMs: 10 });
    expect(policyFor(s, 'x').retry.retries).toBe(1);
  });

  it('rejects an invalid override at boot', () => {
    expect(() => resolveSettings(ClientSettings, { 'services.x.breaker.kind': 'sometimes' })).toThrow(/services\.x\.breaker\.kind/);
  });
});
