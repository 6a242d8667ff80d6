import { importJWK, type CryptoKey, type JWK } from 'jose';
import { publicJwkOf } from './generate.js';
import { publicationEnd, publishedKeysOf, signingKeyOf, type RingPolicy, type SigningAlgorithm, type StoredKey } from './ring.js';

/** What a key must look like for its algorithm; a key of another type is never used, whatever a token header says. */
const KEY_SHAPE: Record<SigningAlgorithm, { kty: string; crv: string }> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

interface LoadedKey {
  stored: StoredKey;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

/**
 * The imported keys in memory, answering "which key signs now", "what does
 * JWKS publish now" and "which key verifies this kid+alg". Replaced
 * wholesale by the KeyManager when Vault holds a newer ring.
 */
export class KeyRing {
  readonly #policy: RingPolicy;
  #keys: LoadedKey[] = [];

  constructor(policy: RingPolicy) {
    this.#policy = policy;
  }

  /** Imports the stored keys (reusing already imported ones by kid) and swaps them in. */
  async load(stored: readonly StoredKey[]): Promise<void> {
    const byKid = new Map(this.#keys.map((k) => [k.stored.kid, k]));
    const next: LoadedKey[] = [];
    for (const s of stored) {
      const known = byKid.get(s.kid);
      if (known && known.stored.notAfter === s.notAfter && known.stored.activatesAt === s.activatesAt) {
        next.push(known);
        continue;
      }
      const shape = KEY_SHAPE[s.alg];
      if (s.privateJwk.kty !== shape.kty || s.privateJwk.crv !== shape.crv) throw new Error(`key ${s.kid} is not a ${shape.kty} ${shape.crv} key for ${s.alg}`);
      const publicJwk = publicJwkOf(s.privateJwk);
      const privateKey = (await importJWK({ ...s.privateJwk, alg: s.alg }, s.alg)) as CryptoKey;
      const publicKey = (await importJWK({ ...publicJwk, alg: s.alg }, s.alg)) as CryptoKey;
      next.push({ stored: s, privateKey, publicKey, publicJwk: { ...publicJwk, kid: s.kid, alg: s.alg, use: 'sig' } });
    }
    this.#keys = next;
  }

  get stored(): StoredKey[] {
    return this.#keys.map((k) => k.stored);
  }

  signingKey(now = Date.now()): SigningKey | undefined {
    const s = signingKeyOf(this.stored, now);
    const k = s && this.#keys.find((l) => l.stored === s);
    return k ? { kid: k.stored.kid, alg: k.stored.alg, key: k.privateKey } : undefined;
  }

  /** The public JWK Set (RFC 7517) served at /.well-known/jwks.json. */
  jwks(now = Date.now()): { keys: JWK[] } {
    const published = new Set(publishedKeysOf(this.stored, now, this.#policy));
    return { keys: this.#keys.filter((k) => published.has(k.stored)).map((k) => ({ ...k.publicJwk })) };
  }

  /**
   * The public key for a token header, only if a published key has that kid
   * AND that algorithm. Pinning alg to the key is what stops `alg: none` and
   * HS256-with-the-public-key confusion: no such header ever finds a key.
   */
  verificationKey(kid: unknown, alg: unknown, now = Date.now()): CryptoKey | undefined {
    if (typeof kid !== 'string' || typeof alg !== 'string') return undefined;
    const k = this.#keys.find((l) => l.stored.kid === kid);
    if (!k || k.stored.alg !== alg || now >= publicationEnd(k.stored, this.#policy)) return undefined;
    return k.publicKey;
  }

  /** Algorithms of the keys held, for pinning `algorithms` in verification. */
  algorithms(): SigningAlgorithm[] {
    return [...new Set(this.#keys.map((k) => k.stored.alg))];
  }
}
