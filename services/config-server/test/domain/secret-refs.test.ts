import { describe, expect, it } from 'vitest';
import { decodeSegment, isValidLabel } from '../../src/domain/labels.js';
import { kvPath, parseSecretRef } from '../../src/domain/secret-refs.js';

describe('parseSecretRef', () => {
  it('reads {vault}path#key, the key may hold dots', () => {
    expect(parseSecretRef('{vault}secret/order-service#db.password')).toEqual({ kind: 'vault', path: 'secret/order-service', key: 'db.password' });
  });

  it('reads {cipher} values', () => {
    expect(parseSecretRef('{cipher}vault:v1:abc')).toEqual({ kind: 'cipher', cipherText: 'vault:v1:abc' });
  });

  it('flags malformed references instead of serving them as text', () => {
    expect(parseSecretRef('{vault}secret/x')).toMatchObject({ kind: 'malformed' });
    expect(parseSecretRef('{cipher}')).toMatchObject({ kind: 'malformed' });
  });

  it('leaves every other value alone', () => {
    expect(parseSecretRef('plain')).toBeUndefined();
    expect(parseSecretRef(42)).toBeUndefined();
  });

  it('strips the KV mount from the path', () => {
    expect(kvPath('secret/order-service', 'secret')).toBe('order-service');
    expect(kvPath('order-service', 'secret')).toBe('order-service');
  });
});

describe('labels', () => {
  it('lets (_) stand for / as Spring does', () => {
    expect(decodeSegment('feature(_)login')).toBe('feature/login');
  });

  it('refuses labels git could read as options or revision expressions', () => {
    for (const bad of ['-x', '--upload-pack=evil', 'a..b', 'HEAD@{1}', 'main~1', 'a b', 'x.lock', '']) expect(isValidLabel(bad)).toBe(false);
    for (const good of ['main', 'feature/login', 'v1.2.0', 'a1b2c3d']) expect(isValidLabel(good)).toBe(true);
  });
});
