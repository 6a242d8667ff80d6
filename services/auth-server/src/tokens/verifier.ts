import { errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import type { KeyRing } from '../keys/key-ring.js';
import { ACCESS_TOKEN_TYP } from './issuer.js';

export interface VerifierSettings {
  issuer: () => string;
  audience: string;
  clockSkewSeconds: number;
}

/** The claims of a verified access token. */
export interface AccessClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope: string;
  roles: string[];
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: string };

/** Compact JWS of a few claims stays far below this; longer input is refused before any parsing. */
const MAX_TOKEN_LENGTH = 8_192;

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Verifies our own access tokens: signature by a published key whose kid
 * AND algorithm match the header (so `alg: none` and HS256 signed with the
 * public key find no key), `typ` at+jwt, issuer, audience, expiry with the
 * configured skew, required claims, and finally the revocation list.
 */
export class AccessTokenVerifier {
  readonly #ring: KeyRing;
  readonly #settings: VerifierSettings;
  readonly #isRevoked: (jti: string) => Promise<boolean>;

  constructor(ring: KeyRing, settings: VerifierSettings, isRevoked: (jti: string) => Promise<boolean>) {
    this.#ring = ring;
    this.#settings = settings;
    this.#isRevoked = isRevoked;
  }

  async verify(token: string, now = new Date()): Promise<VerifyResult> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const ring = this.#ring;
    let payload: Record<string, unknown>;
    try {
      const result = await jwtVerify(
        token,
        (header: JWTHeaderParameters) => {
          const key = ring.verificationKey(header.kid, header.alg, now.getTime());
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        {
          issuer: this.#settings.issuer(),
          audience: this.#settings.audience,
          algorithms: ring.algorithms(),
          typ: ACCESS_TOKEN_TYP,
          clockTolerance: this.#settings.clockSkewSeconds,
          currentDate: now,
          requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
        },
      );
      payload = result.payload;
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JOSEError ? err.code : 'malformed' };
    }
    const { client_id, scope, roles } = payload;
    if (typeof client_id !== 'string' || typeof scope !== 'string' || !isStringArray(roles) || typeof payload['jti'] !== 'string') {
      return { ok: false, reason: 'claims' };
    }
    if (await this.#isRevoked(payload['jti'])) return { ok: false, reason: 'revoked' };
    return { ok: true, claims: payload as unknown as AccessClaims };
  }
}
