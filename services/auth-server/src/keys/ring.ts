import { Type, type Static } from '@sinclair/typebox';

/**
 * The signing key ring as pure rules over stored keys and a clock.
 *
 * A key signs from `activatesAt` until `notAfter` (or until a newer key
 * activates). It stays published in JWKS until `notAfter` + access token TTL
 * + clock skew, so every token it signed can still be verified until that
 * token expires. The next key is created and published `prePublish` before
 * it starts signing, so verifiers that cache the JWKS already hold it when
 * the first token signed by it arrives.
 */

export const SigningAlgorithm = Type.Union([Type.Literal('ES256'), Type.Literal('EdDSA')]);
export type SigningAlgorithm = Static<typeof SigningAlgorithm>;

/** One key as stored in Vault. The JWK holds the private part: never log or serve it. */
export const StoredKey = Type.Object({
  kid: Type.String({ minLength: 1 }),
  alg: SigningAlgorithm,
  privateJwk: Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), d: Type.String() }, { additionalProperties: true }),
  createdAt: Type.String({ minLength: 20 }),
  activatesAt: Type.String({ minLength: 20 }),
  notAfter: Type.String({ minLength: 20 }),
});
export type StoredKey = Static<typeof StoredKey>;

export const StoredRing = Type.Object({ keys: Type.Array(StoredKey) });
export type StoredRing = Static<typeof StoredRing>;

export interface RingPolicy {
  keyLifetimeSeconds: number;
  prePublishSeconds: number;
  accessTokenTtlSeconds: number;
  clockSkewSeconds: number;
}

const at = (iso: string) => Date.parse(iso);

/** When a key leaves the JWKS: the last token it can have signed has expired by then. */
export function publicationEnd(key: StoredKey, policy: RingPolicy): number {
  return at(key.notAfter) + (policy.accessTokenTtlSeconds + policy.clockSkewSeconds) * 1000;
}

/** The key that signs at `now`: the most recently activated one still before its notAfter. */
export function signingKeyOf(keys: readonly StoredKey[], now: number): StoredKey | undefined {
  let best: StoredKey | undefined;
  for (const k of keys) {
    if (at(k.activatesAt) <= now && now < at(k.notAfter) && (!best || at(k.activatesAt) > at(best.activatesAt))) best = k;
  }
  return best;
}

/** Keys served in JWKS at `now`: the signing key, keys whose tokens may still be live, and the pre-published next key. */
export function publishedKeysOf(keys: readonly StoredKey[], now: number, policy: RingPolicy): StoredKey[] {
  return keys.filter((k) => now < publicationEnd(k, policy));
}

export interface KeyWindow {
  activatesAt: Date;
  notAfter: Date;
}

export interface RingPlan {
  /** Keys to keep (without the pruned ones; new keys are added by the caller). */
  keep: StoredKey[];
  pruned: string[];
  /** Keys to generate, in order. */
  create: KeyWindow[];
}

/** What maintenance must do at `now`: drop keys past publication, create a signing key or its successor. */
export function planRing(keys: readonly StoredKey[], now: number, policy: RingPolicy): RingPlan {
  const keep = keys.filter((k) => now < publicationEnd(k, policy));
  const pruned = keys.filter((k) => !keep.includes(k)).map((k) => k.kid);
  const lifetime = policy.keyLifetimeSeconds * 1000;
  const prePublish = Math.min(policy.prePublishSeconds * 1000, lifetime / 2);
  const create: KeyWindow[] = [];

  const future = keep.filter((k) => at(k.activatesAt) > now).sort((a, b) => at(a.activatesAt) - at(b.activatesAt));
  let current: KeyWindow | undefined;
  const signing = signingKeyOf(keep, now);
  if (signing) {
    current = { activatesAt: new Date(at(signing.activatesAt)), notAfter: new Date(at(signing.notAfter)) };
  } else {
    const next = future[0];
    const end = Math.min(now + lifetime, next ? at(next.activatesAt) : Infinity);
    current = { activatesAt: new Date(now), notAfter: new Date(end) };
    create.push(current);
  }
  const hasSuccessor = future.some((k) => at(k.activatesAt) > current.activatesAt.getTime());
  if (!hasSuccessor && current.notAfter.getTime() - now <= prePublish) {
    const start = current.notAfter.getTime();
    create.push({ activatesAt: new Date(start), notAfter: new Date(start + lifetime) });
  }
  return { keep, pruned, create };
}
