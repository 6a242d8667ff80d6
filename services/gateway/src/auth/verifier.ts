import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { ServiceResolver } from '@nimbus/kit';
import type { GatewaySettings } from '../settings.js';
import type { Identity } from './rules.js';

/** `unavailable`: the keys could not be fetched, so the token was neither accepted nor refused. */
export type VerifyResult = { ok: true; identity: Identity } | { ok: false; reason: string; unavailable: boolean };

type Jwks = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies access tokens locally against the auth server's JWKS (cached and
 * refetched by jose on an unknown `kid`). The JWKS URL is fixed by
 * settings, or resolved through discovery on first use.
 */
export class TokenVerifier {
  readonly #settings: GatewaySettings['auth'];
  readonly #resolver: ServiceResolver | undefined;
  readonly #sets = new Map<string, Jwks>();

  constructor(settings: GatewaySettings['auth'], resolver?: ServiceResolver) {
    this.#settings = settings;
    this.#resolver = resolver;
  }

  #jwks(): Jwks {
    let url = this.#settings.jwksUrl;
    if (!url) {
      if (!this.#resolver) throw new Error('gateway.auth.jwksUrl is empty and no resolver was given');
      url = `${this.#resolver.next(this.#settings.jwksService).url}/.well-known/jwks.json`;
    }
    let set = this.#sets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
      this.#sets.set(url, set);
    }
    return set;
  }

  async verify(token: string): Promise<VerifyResult> {
    try {
      const { payload } = await jwtVerify(token, this.#jwks(), {
        issuer: this.#settings.issuer,
        audience: this.#settings.audience,
        typ: 'at+jwt',
        algorithms: [...this.#settings.algorithms],
        clockTolerance: this.#settings.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      return { ok: true, identity: identityOf(payload) };
    } catch (err) {
      const unavailable = err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError);
      return { ok: false, reason: unavailable ? 'the signing keys could not be fetched' : describe(err), unavailable };
    }
  }
}

function identityOf(payload: JWTPayload): Identity {
  const roles = Array.isArray(payload['roles']) ? payload['roles'].filter((r): r is string => typeof r === 'string') : [];
  const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
  const clientId = typeof payload['client_id'] === 'string' ? payload['client_id'] : undefined;
  const email = typeof payload['email'] === 'string' ? payload['email'] : undefined;
  return { subject: payload.sub ?? '', roles, scopes: scope.split(' ').filter(Boolean), clientId, email };
}

/** A reason safe to show the caller: no key material, no internals. */
function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `the token's ${err.claim} claim is not accepted`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  if (err instanceof errors.JWKSNoMatchingKey) return 'the token was signed by an unknown key';
  if (err instanceof errors.JOSEError) return 'the token is not valid';
  return 'the token could not be verified';
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  return m?.[1];
}
