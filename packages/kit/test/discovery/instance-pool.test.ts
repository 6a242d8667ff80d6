import { describe, expect, it } from 'vitest';
import { instanceFromUrl } from '../../src/discovery/instance.js';
import { InstancePool } from '../../src/discovery/instance-pool.js';

const a = instanceFromUrl('svc', 'http://10.0.0.1:8081');
const b = instanceFromUrl('svc', 'http://10.0.0.2:8081');
const c = instanceFromUrl('svc', 'http://10.0.0.3:8081');

function pool(quarantineMs = 10_000, ...instances: typeof a[]) {
  const p = new InstancePool('svc', quarantineMs);
  p.replace(instances);
  return p;
}

describe('InstancePool', () => {
  it('hands out instances round-robin', () => {
    const p = pool(10_000, a, b, c);
    expect([p.next(), p.next(), p.next(), p.next()].map((i) => i?.id)).toEqual([a.id, b.id, c.id, a.id]);
  });

  it('returns undefined when it knows no instance', () => {
    expect(pool().next()).toBeUndefined();
  });

  it('skips a failed instance until its quarantine expires', () => {
    const p = pool(10_000, a, b);
    p.markFailed(a, 1_000);
    expect([p.next(2_000), p.next(2_000), p.next(2_000)].map((i) => i?.id)).toEqual([b.id, b.id, b.id]);
    expect(p.quarantined(2_000)).toBe(1);
    const after = [p.next(11_001), p.next(11_001)].map((i) => i?.id);
    expect(after).toContain(a.id);
    expect(p.quarantined(11_001)).toBe(0);
  });

  it('lifts a quarantine when discovery drops the instance and lists it again (its check passed again)', () => {
    const p = pool(60_000, a, b);
    p.markFailed(a, 0);
    p.replace([b]);
    p.replace([a, b]);
    expect([p.next(1), p.next(1)].map((i) => i?.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('keeps the quarantine when discovery re-lists the same set (Consul has not noticed the failure yet)', () => {
    const p = pool(60_000, a, b);
    p.markFailed(a, 0);
    p.replace([a, b]);
    expect([p.next(1), p.next(1)].map((i) => i?.id)).toEqual([b.id, b.id]);
  });

  it('still returns an instance, in turn, when every instance is quarantined', () => {
    const p = pool(60_000, a, b);
    p.markFailed(a, 0);
    p.markFailed(b, 0);
    const picked = [p.next(1), p.next(1)].map((i) => i?.id);
    expect(picked.sort()).toEqual([a.id, b.id].sort());
  });

  it('ignores failures of instances it does not hold, and quarantines nothing when the quarantine is 0', () => {
    const p = pool(0, a);
    p.markFailed(a, 0);
    p.markFailed(b, 0);
    expect(p.next(1)?.id).toBe(a.id);
    expect(p.quarantined(1)).toBe(0);
  });
});
