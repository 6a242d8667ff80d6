import type { Logger } from '@nimbus/kit';
import type { VaultToken } from './vault-token.js';

/** Why a transit call failed: Vault unreachable or refusing (retry later), or the input itself is bad. */
export class TransitError extends Error {
  constructor(
    message: string,
    readonly kind: 'unavailable' | 'rejected',
  ) {
    super(message);
    this.name = 'TransitError';
  }
}

export interface TransitOptions {
  url: string;
  token: VaultToken;
  mount: string;
  key: string;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Vault's transit engine as Spring Cloud Config's encryptor: cipher texts
 * are `vault:v<n>:…`, written to git as `{cipher}vault:v1:…`. The key never
 * leaves Vault, and rotating it there keeps older cipher texts readable.
 */
export class VaultTransit {
  readonly #o: TransitOptions;

  constructor(opts: TransitOptions) {
    this.#o = opts;
  }

  get key(): string {
    return this.#o.key;
  }

  /** Enables the engine and creates the key when missing; both calls are idempotent. */
  async ensure(): Promise<void> {
    const { mount, key } = this.#o;
    const mounts = (await this.#call('GET', 'sys/mounts')) as Record<string, unknown> & { data?: Record<string, unknown> };
    const table = mounts.data ?? mounts;
    if (!Object.hasOwn(table, `${mount}/`)) {
      await this.#call('POST', `sys/mounts/${mount}`, { type: 'transit', description: 'nimbus config-server {cipher} values' });
      this.#o.logger.info('enabled the vault transit engine', { 'vault.mount': mount });
    }
    await this.#call('POST', `${mount}/keys/${encodeURIComponent(key)}`, { type: 'aes256-gcm96' });
  }

  /** Whether the key exists and can be used (readiness of /encrypt). */
  async status(): Promise<Record<string, unknown>> {
    const res = (await this.#call('GET', `${this.#o.mount}/keys/${encodeURIComponent(this.#o.key)}`)) as { data?: { latest_version?: number } };
    return { key: this.#o.key, version: res.data?.latest_version };
  }

  async encrypt(plaintext: string): Promise<string> {
    const res = (await this.#call('POST', `${this.#o.mount}/encrypt/${encodeURIComponent(this.#o.key)}`, {
      plaintext: Buffer.from(plaintext, 'utf8').toString('base64'),
    })) as { data: { ciphertext: string } };
    return res.data.ciphertext;
  }

  async decrypt(ciphertext: string): Promise<string> {
    if (!/^vault:v\d+:/.test(ciphertext)) throw new TransitError('not a transit cipher text (vault:v<n>:…)', 'rejected');
    const res = (await this.#call('POST', `${this.#o.mount}/decrypt/${encodeURIComponent(this.#o.key)}`, { ciphertext })) as { data: { plaintext: string } };
    return Buffer.from(res.data.plaintext, 'base64').toString('utf8');
  }

  async #call(method: 'GET' | 'POST', path: string, body?: unknown, retried = false): Promise<unknown> {
    const { url, token, timeoutMs } = this.#o;
    let res: Response;
    try {
      res = await fetch(`${url}/v1/${path}`, {
        method,
        headers: { 'x-vault-token': await token.get(), ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new TransitError(`vault unreachable: ${(err as Error).message}`, 'unavailable');
    }
    if (res.status === 403 && !retried && token.invalidate()) return this.#call(method, path, body, true);
    if (res.status === 204) return {};
    const text = await res.text();
    if (res.ok) return text ? (JSON.parse(text) as unknown) : {};
    // Vault's errors say what is wrong with the input without echoing it.
    const errors = (() => {
      try {
        return ((JSON.parse(text) as { errors?: string[] }).errors ?? []).join('; ');
      } catch {
        return '';
      }
    })();
    const kind = res.status === 400 ? 'rejected' : 'unavailable';
    throw new TransitError(`vault ${method} ${path.split('/')[0]}… answered ${res.status}${errors ? `: ${errors}` : ''}`, kind);
  }
}
