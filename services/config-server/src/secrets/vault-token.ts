import type { KitSettings } from '@nimbus/kit';

type VaultSettings = KitSettings['vault'];

/**
 * A Vault token for calls the kit's VaultSecrets does not make (transit):
 * the configured token, or an AppRole login renewed by logging in again
 * when Vault refuses the token.
 */
export class VaultToken {
  readonly #settings: VaultSettings;
  #token: string | undefined;

  constructor(settings: VaultSettings) {
    this.#settings = settings;
  }

  async get(): Promise<string> {
    const { auth } = this.#settings;
    if (auth.method === 'token') return auth.token;
    this.#token ??= await this.#login();
    return this.#token;
  }

  /** After a 403: forget an AppRole token so the next get() logs in again. Returns whether that can help. */
  invalidate(): boolean {
    this.#token = undefined;
    return this.#settings.auth.method === 'approle';
  }

  async #login(): Promise<string> {
    const { url, auth, timeoutMs } = this.#settings;
    const res = await fetch(`${url}/v1/auth/${auth.mount}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role_id: auth.roleId, secret_id: auth.secretId }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`vault approle login failed with status ${res.status}`);
    const body = (await res.json()) as { auth: { client_token: string } };
    return body.auth.client_token;
  }
}
