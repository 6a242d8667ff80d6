import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { KeyWindow, SigningAlgorithm, StoredKey } from './ring.js';

/** The public members of an asymmetric JWK; everything else (d, p, q…) is private or noise. */
export function publicJwkOf(jwk: JWK): JWK {
  if (jwk.kty === 'EC') return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (jwk.kty === 'OKP') return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  throw new Error(`unsupported signing key type ${String(jwk.kty)}`);
}

/** A fresh key pair; `kid` is the RFC 7638 thumbprint of the public key, so it names the key itself. */
export async function generateStoredKey(alg: SigningAlgorithm, window: KeyWindow, now: Date): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwkOf(jwk), 'sha256');
  if (!jwk.kty || !jwk.crv || !jwk.x || !jwk.d) throw new Error('generated key is missing members');
  return {
    kid,
    alg,
    privateJwk: { ...jwk, kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d },
    createdAt: now.toISOString(),
    activatesAt: window.activatesAt.toISOString(),
    notAfter: window.notAfter.toISOString(),
  };
}
