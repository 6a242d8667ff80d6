import { createRemoteJWKSet, errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { ServiceResolver } from '@nimbus/kit';
import type { GatewaySettings } from '../settings.js';
import type { Identity } from './rules.js';

/** `unavailable`: the keys could not be fetched, so the token was neither accepted nor refused. */
export type VerifyResult = { ok: true; identity: Identity } | { ok: false; reason: string; unavailable: boolean };

type Jwks = ReturnType<typeof createRemoteJWKSet>;

export interface TokenVerifierOptions {
  /** Verified tokens remembered (least recently used dropped first); 0 remembers none. Default 10 000. */
  cacheSize?: number;
  /** The clock, in ms (tests). */
  now?: () => number;
}

/** A token that passed every check, and what it was checked with. */
interface Verified {
  identity: Identity;
  /** `exp` in ms: the entry is never used at or after it (no clock tolerance, which only a full check applies). */
  expiresAt: number;
  set: Jwks;
  header: JWTHeaderParameters;
  key: unknown;
}

/**
 * Verifies access tokens locally against the auth server's JWKS (cached and
 * refetched by jose on an unknown `kid`). The JWKS URL is fixed by
 * settings, or resolved through discovery on first use.
 *
 * A token that passed is remembered by its exact string, so the same token
 * on the next requests skips the signature check (an ES256 verify costs more
 * than everything else the gateway does for a request): until its `exp`
 * only, and only while the key set that verified it still resolves its
 * header to the very same key. So a key dropped from the JWKS refuses its
 * cached tokens as soon as jose reloads the set, exactly as it refuses them
 * uncached. Refused tokens are never remembered: they get the full check,
 * and its reason, every time. Issuer, audience, type and algorithms are
 * fixed for the verifier's life, so a remembered answer cannot go stale on
 * them; the gateway checks no token revocation list (the auth server does
 * on its own endpoints), cached or not.
 */
/** What the auth hook needs: a verifier, or one that follows live settings. */
export interface Verifier {
  verify(token: string): Promise<VerifyResult>;
}

export class TokenVerifier implements Verifier {
  readonly #settings: GatewaySettings['auth'];
  readonly #resolver: ServiceResolver | undefined;
  readonly #sets = new Map<string, Jwks>();
  readonly #verified = new Map<string, Verified>();
  readonly #cacheSize: number;
  readonly #now: () => number;

  constructor(settings: GatewaySettings['auth'], resolver?: ServiceResolver, options: TokenVerifierOptions = {}) {
    this.#settings = settings;
    this.#resolver = resolver;
    this.#cacheSize = options.cacheSize ?? 10_000;
    this.#now = options.now ?? Date.now;
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
    const remembered = await this.#remembered(token);
    if (remembered) return { ok: true, identity: remembered };
    try {
      const set = this.#jwks();
      const { payload, protectedHeader, key } = await jwtVerify(token, set, {
        issuer: this.#settings.issuer,
        audience: this.#settings.audience,
        typ: 'at+jwt',
        algorithms: [...this.#settings.algorithms],
        clockTolerance: this.#settings.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      const identity = identityOf(payload);
      this.#remember(token, { identity, expiresAt: (payload.exp ?? 0) * 1000, set, header: protectedHeader, key });
      return { ok: true, identity };
    } catch (err) {
      const unavailable = err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError);
      return { ok: false, reason: unavailable ? 'the signing keys could not be fetched' : describe(err), unavailable };
    }
  }

  /** The identity of a token verified before, if that answer still holds. */
  async #remembered(token: string): Promise<Identity | undefined> {
    const entry = this.#verified.get(token);
    if (!entry) return undefined;
    this.#verified.delete(token);
    if (this.#now() >= entry.expiresAt) return undefined;
    try {
      // The set reloads itself when stale, as for a full check; a new key set means new keys.
      if ((await entry.set(entry.header)) !== entry.key) return undefined;
    } catch {
      return undefined; // the full check decides, and says why
    }
    this.#verified.set(token, entry); // most recently used last
    return entry.identity;
  }

  #remember(token: string, entry: Verified): void {
    if (this.#cacheSize <= 0 || entry.key === undefined || this.#now() >= entry.expiresAt) return;
    this.#verified.delete(token);
    this.#verified.set(token, entry);
    while (this.#verified.size > this.#cacheSize) {
      const oldest = this.#verified.keys().next();
      if (oldest.done) break;
      this.#verified.delete(oldest.value);
    }
  }
}

function identityOf(payload: JWTPayload): Identity {
  const roles = Array.isArray(payload['roles']) ? payload['roles'].filter((r): r is string => typeof r === 'string') : [];
  const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
  const clientId = typeof payload['client_id'] === 'string' ? payload['client_id'] : undefined;
  const email = typeof payload['email'] === 'string' ? payload['email'] : undefined;
  // Shared by every request presenting the same token (see TokenVerifier): read-only.
  return Object.freeze({ subject: payload.sub ?? '', roles: Object.freeze(roles), scopes: Object.freeze(scope.split(' ').filter(Boolean)), clientId, email });
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
