import { describe, expect, it } from 'vitest';
import { parseRing } from '../../src/keys/key-manager.js';

const key = {
  kid: 'k1',
  alg: 'ES256',
  privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' },
  createdAt: '2025-01-01T00:00:00.000Z',
  activatesAt: '2025-01-01T00:00:00.000Z',
  notAfter: '2025-02-01T00:00:00.000Z',
};

describe('parseRing', () => {
  it('reads an absent secret as an empty ring (first start)', () => {
    expect(parseRing(undefined, 'p')).toEqual([]);
  });

  it('reads a stored ring', () => {
    expect(parseRing({ keys: [key] }, 'p')).toEqual([key]);
  });

  it('refuses anything else rather than overwrite keys it does not understand', () => {
    expect(() => parseRing({ something: 'else' }, 'auth-server/signing-keys')).toThrow(/auth-server\/signing-keys is not a signing key ring/);
    expect(() => parseRing({ keys: [{ ...key, alg: 'HS256' }] }, 'p')).toThrow(/not a signing key ring/);
    expect(() => parseRing({ keys: [{ ...key, privateJwk: { kty: 'EC', crv: 'P-256', x: 'x' } }] }, 'p')).toThrow(/not a signing key ring/);
    expect(() => parseRing({ keys: [{ ...key, notAfter: 'next tuesday, roughly' }] }, 'p')).toThrow(/invalid date/);
  });
});
