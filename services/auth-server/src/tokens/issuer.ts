import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { SIGNING_KEY_UNAVAILABLE } from '../errors.js';
import type { KeyRing } from '../keys/key-ring.js';

/** The access token type of RFC 9068: verifiers require it, so an ID token can never pass as an access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface TokenSettings {
  /** Read at issue time: the issuer may only be known once the server listens. */
  issuer: () => string;
  audience: string;
  accessTokenTtlSeconds: number;
}

export interface AccessTokenInput {
  /** User id, or the client id for client_credentials. */
  subject: string;
  clientId: string;
  scopes: readonly string[];
  roles: readonly string[];
  /** The user's email, added as the `email` claim when the `email` scope is granted (services address the user by it). */
  email?: string;
}

export interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

export interface IdTokenInput {
  subject: string;
  clientId: string;
  authTime: Date;
  email?: string;
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** Signs access tokens (RFC 9068 profile) and ID tokens with the ring's current key. */
export class TokenIssuer {
  readonly #ring: KeyRing;
  readonly #settings: TokenSettings;

  constructor(ring: KeyRing, settings: TokenSettings) {
    this.#ring = ring;
    this.#settings = settings;
  }

  get ttlSeconds(): number {
    return this.#settings.accessTokenTtlSeconds;
  }

  async accessToken(input: AccessTokenInput, now = new Date()): Promise<IssuedToken> {
    const key = this.#key(now);
    const jti = randomUUID();
    const expiresAt = new Date(now.getTime() + this.#settings.accessTokenTtlSeconds * 1000);
    const email = input.email !== undefined && input.scopes.includes('email') ? { email: input.email } : {};
    const token = await new SignJWT({ client_id: input.clientId, scope: input.scopes.join(' '), roles: [...input.roles], ...email })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYP })
      .setIssuer(this.#settings.issuer())
      .setAudience(this.#settings.audience)
      .setSubject(input.subject)
      .setIssuedAt(seconds(now))
      .setExpirationTime(seconds(expiresAt))
      .setJti(jti)
      .sign(key.key);
    return { token, jti, expiresAt };
  }

  /** OpenID Connect ID token for the client (`aud` = client id); claims per the scopes granted. */
  async idToken(input: IdTokenInput, now = new Date()): Promise<string> {
    const key = this.#key(now);
    const expiresAt = new Date(now.getTime() + this.#settings.accessTokenTtlSeconds * 1000);
    return new SignJWT({ auth_time: seconds(input.authTime), azp: input.clientId, ...(input.email !== undefined && { email: input.email, email_verified: false }) })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.#settings.issuer())
      .setAudience(input.clientId)
      .setSubject(input.subject)
      .setIssuedAt(seconds(now))
      .setExpirationTime(seconds(expiresAt))
      .sign(key.key);
  }

  #key(now: Date) {
    const key = this.#ring.signingKey(now.getTime());
    if (!key) throw SIGNING_KEY_UNAVAILABLE();
    return key;
  }
}
