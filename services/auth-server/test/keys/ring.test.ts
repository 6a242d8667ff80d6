import { describe, expect, it } from 'vitest';
import { planRing, publicationEnd, publishedKeysOf, signingKeyOf, type RingPolicy, type StoredKey } from '../../src/keys/ring.js';

const policy: RingPolicy = { keyLifetimeSeconds: 1000, prePublishSeconds: 100, accessTokenTtlSeconds: 300, clockSkewSeconds: 60 };
const T = Date.parse('2025-01-01T00:00:00Z');
const at = (s: number) => new Date(T + s * 1000).toISOString();

function key(kid: string, activates: number, notAfter: number): StoredKey {
  return { kid, alg: 'ES256', privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', d: 'd' }, createdAt: at(activates), activatesAt: at(activates), notAfter: at(notAfter) };
}

describe('key ring rules', () => {
  it('creates a signing key on first start, valid for one lifetime', () => {
    const plan = planRing([], T, policy);
    expect(plan.create).toEqual([{ activatesAt: new Date(T), notAfter: new Date(T + 1_000_000) }]);
  });

  it('leaves a healthy ring alone', () => {
    const plan = planRing([key('a', 0, 1000)], T + 500_000, policy);
    expect(plan).toEqual({ keep: [key('a', 0, 1000)], pruned: [], create: [] });
  });

  it('creates the successor prePublish before the current key stops signing, starting exactly then', () => {
    const plan = planRing([key('a', 0, 1000)], T + 900_000, policy);
    expect(plan.create).toEqual([{ activatesAt: new Date(T + 1_000_000), notAfter: new Date(T + 2_000_000) }]);
  });

  it('caps pre-publication at half the lifetime so short lifetimes still rotate', () => {
    const short = { ...policy, keyLifetimeSeconds: 10, prePublishSeconds: 3600 };
    expect(planRing([key('a', 0, 10)], T + 4_000, short).create).toEqual([]);
    expect(planRing([key('a', 0, 10)], T + 5_000, short).create).toHaveLength(1);
  });

  it('hands signing to the successor at its activation, publishing both until the old one’s tokens expire', () => {
    const ring = [key('a', 0, 1000), key('b', 1000, 2000)];
    expect(signingKeyOf(ring, T + 999_999)?.kid).toBe('a');
    expect(signingKeyOf(ring, T + 1_000_000)?.kid).toBe('b');
    // a signed until t=1000; its last token expires at 1000 + 300 (ttl), +60 skew.
    expect(publicationEnd(ring[0]!, policy)).toBe(T + 1_360_000);
    expect(publishedKeysOf(ring, T + 1_359_999, policy).map((k) => k.kid)).toEqual(['a', 'b']);
    expect(publishedKeysOf(ring, T + 1_360_000, policy).map((k) => k.kid)).toEqual(['b']);
  });

  it('publishes the pre-published successor before it signs', () => {
    const ring = [key('a', 0, 1000), key('b', 1000, 2000)];
    expect(publishedKeysOf(ring, T + 950_000, policy).map((k) => k.kid)).toEqual(['a', 'b']);
    expect(signingKeyOf(ring, T + 950_000)?.kid).toBe('a');
  });

  it('prunes keys past their publication end', () => {
    const plan = planRing([key('a', 0, 1000), key('b', 1000, 2000)], T + 1_400_000, policy);
    expect(plan.pruned).toEqual(['a']);
    expect(plan.keep.map((k) => k.kid)).toEqual(['b']);
  });

  it('after a long outage with every key expired, starts a new key now', () => {
    const plan = planRing([key('a', 0, 1000)], T + 5_000_000, policy);
    expect(plan.pruned).toEqual(['a']);
    expect(plan.create[0]).toEqual({ activatesAt: new Date(T + 5_000_000), notAfter: new Date(T + 6_000_000) });
  });

  it('prefers the most recently activated key when windows overlap (a manual early rotation)', () => {
    const ring = [key('a', 0, 1000), key('b', 500, 1500)];
    expect(signingKeyOf(ring, T + 600_000)?.kid).toBe('b');
  });
});
