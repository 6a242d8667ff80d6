import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/crypto/passwords.js';
import { sha256Hex, randomSecret } from '../../src/crypto/opaque-tokens.js';

// Small parameters keep the test fast; the algorithm and format are what matter.
const hasher = new PasswordHasher({ memoryCostKiB: 8192, timeCost: 1, parallelism: 1 });

describe('PasswordHasher', () => {
  it('hashes with argon2id in PHC format and verifies only the right password', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('treats a malformed stored hash as a failed verification, not an error', async () => {
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
  });

  it('asks for a rehash when the policy parameters changed', async () => {
    const old = await new PasswordHasher({ memoryCostKiB: 8192, timeCost: 2, parallelism: 1 }).hash('pw');
    expect(hasher.needsRehash(old)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
    expect(hasher.needsRehash('$2b$10$bcrypt')).toBe(true);
  });

  it('spends a verification on unknown identifiers and always fails', async () => {
    expect(await hasher.verifyNothing('anything')).toBe(false);
  });
});

describe('opaque tokens', () => {
  it('are 256-bit base64url and stored as SHA-256 hex', () => {
    const t = randomSecret();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
