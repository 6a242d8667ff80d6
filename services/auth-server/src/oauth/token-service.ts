import { randomUUID } from 'node:crypto';
import type { Logger } from '@nimbus/kit';
import type { OAuthClient } from '../domain/clients.js';
import { nextExpiry } from '../domain/refresh.js';
import { formatScope, grantScopes } from '../domain/scopes.js';
import { randomSecret, sha256Hex } from '../crypto/opaque-tokens.js';
import type { RefreshTokenStore } from '../store/refresh-tokens.js';
import type { UserRecord, UserStore } from '../store/users.js';
import type { TokenIssuer } from '../tokens/issuer.js';
import { OAuthError } from './oauth-error.js';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface TokenServiceOptions {
  issuer: TokenIssuer;
  refreshTokens: RefreshTokenStore;
  users: UserStore;
  refreshTokenTtlSeconds: number;
  refreshFamilyTtlSeconds: number;
  logger: Logger;
}

/** Token sets for users (password login, refresh) and for clients (client_credentials). */
export class TokenService {
  readonly #o: TokenServiceOptions;

  constructor(opts: TokenServiceOptions) {
    this.#o = opts;
  }

  /** After a successful login: access token, refresh token (new family) if the client may refresh, ID token if `openid`. */
  async forUser(user: UserRecord, client: OAuthClient, scopes: string[], now = new Date()): Promise<TokenResponse> {
    const access = await this.#o.issuer.accessToken({ subject: user.id, clientId: client.id, scopes, roles: user.roles, email: user.email }, now);
    const response = this.#response(access.token, scopes);
    if (client.grants.includes('refresh_token')) {
      const refresh = randomSecret();
      const familyExpiresAt = new Date(now.getTime() + this.#o.refreshFamilyTtlSeconds * 1000);
      await this.#o.refreshTokens.createFamily(
        { id: randomUUID(), userId: user.id, clientId: client.id, scope: formatScope(scopes), authTime: now, expiresAt: familyExpiresAt },
        { hash: sha256Hex(refresh), expiresAt: nextExpiry(now, this.#o.refreshTokenTtlSeconds, familyExpiresAt), accessJti: access.jti, accessExpiresAt: access.expiresAt },
        now,
      );
      response.refresh_token = refresh;
    }
    if (scopes.includes('openid')) response.id_token = await this.#idToken(user, client, scopes, now, now);
    return response;
  }

  /** refresh_token grant (RFC 6749 §6) with rotation; reuse or a foreign client revokes the family. */
  async refresh(refreshToken: string, client: OAuthClient, requestedScope: string | undefined, now = new Date()): Promise<TokenResponse> {
    const hash = sha256Hex(refreshToken);
    const view = await this.#o.refreshTokens.view(hash, now);
    if (!view) throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
    const user = await this.#o.users.findById(view.family.userId);
    if (!user || user.status !== 'active') {
      await this.#o.refreshTokens.revokeByToken(hash, () => true, 'account_disabled', now);
      throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
    }
    // Never more than originally granted, nor more than the client may hold today.
    const granted = view.family.scope.split(' ').filter((s) => s !== '' && client.scopes.includes(s));
    const decision = grantScopes(requestedScope, granted);
    if (!decision.ok) throw new OAuthError('invalid_scope', decision.reason);

    let access: { token: string } | undefined;
    const next = randomSecret();
    const result = await this.#o.refreshTokens.rotate(
      hash,
      client.id,
      async (family) => {
        const issued = await this.#o.issuer.accessToken({ subject: user.id, clientId: client.id, scopes: decision.scopes, roles: user.roles, email: user.email }, now);
        access = issued;
        return { hash: sha256Hex(next), expiresAt: nextExpiry(now, this.#o.refreshTokenTtlSeconds, family.expiresAt), accessJti: issued.jti, accessExpiresAt: issued.expiresAt };
      },
      now,
    );
    if (result.kind === 'revoked') {
      this.#o.logger.warn('refresh token family revoked', {
        'auth.revoke_reason': result.reason,
        'auth.family.id': result.family.id,
        'user.id': result.family.userId,
        'client.id': client.id,
      });
    }
    if (result.kind !== 'rotated' || !access) {
      // Same answer for unknown, expired, revoked and reused: the caller learns nothing it could use.
      throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
    }
    const response = this.#response(access.token, decision.scopes);
    response.refresh_token = next;
    if (decision.scopes.includes('openid')) response.id_token = await this.#idToken(user, client, decision.scopes, result.family.authTime, now);
    return response;
  }

  /** client_credentials grant (RFC 6749 §4.4): the client is the subject; no refresh token (§4.4.3). */
  async forClient(client: OAuthClient, scopes: string[], now = new Date()): Promise<TokenResponse> {
    const access = await this.#o.issuer.accessToken({ subject: client.id, clientId: client.id, scopes, roles: [] }, now);
    return this.#response(access.token, scopes);
  }

  #response(accessToken: string, scopes: string[]): TokenResponse {
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.#o.issuer.ttlSeconds, scope: formatScope(scopes) };
  }

  #idToken(user: UserRecord, client: OAuthClient, scopes: string[], authTime: Date, now: Date): Promise<string> {
    return this.#o.issuer.idToken({ subject: user.id, clientId: client.id, authTime, ...(scopes.includes('email') && { email: user.email }) }, now);
  }
}
