import type { OAuthClient } from '../domain/clients.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import type { ClientStore } from '../store/clients.js';
import type { PresentedClient } from './client-auth.js';
import { OAuthError } from './oauth-error.js';

/**
 * Checks presented client credentials against the stored argon2id hash.
 * Unknown, disabled and wrong-secret clients get the same answer and take
 * the same time. Public clients may only present their id; confidential
 * clients must present a secret.
 */
export class ClientAuthenticator {
  readonly #store: ClientStore;
  readonly #hasher: PasswordHasher;

  constructor(store: ClientStore, hasher: PasswordHasher) {
    this.#store = store;
    this.#hasher = hasher;
  }

  async authenticate(presented: PresentedClient, opts: { allowPublic: boolean }): Promise<OAuthClient> {
    const fail = (description = 'client authentication failed') =>
      new OAuthError('invalid_client', description, presented.method === 'client_secret_basic' ? { headers: { 'www-authenticate': 'Basic realm="nimbus"' } } : {});
    const stored = presented.clientId.length <= 100 ? await this.#store.find(presented.clientId) : undefined;
    if (!stored || !stored.enabled) {
      if (presented.secret !== undefined) await this.#hasher.verifyNothing(presented.secret);
      throw fail();
    }
    if (stored.client.public) {
      if (presented.method !== 'none') throw fail();
      // Where client authentication is required, a public client has none to offer.
      if (!opts.allowPublic) throw fail('this endpoint requires a confidential client');
      return stored.client;
    }
    if (presented.secret === undefined || stored.secretHash === null) throw fail();
    if (!(await this.#hasher.verify(stored.secretHash, presented.secret))) throw fail();
    return stored.client;
  }
}
