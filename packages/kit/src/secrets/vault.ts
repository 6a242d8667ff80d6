import nodeVault from 'node-vault';
import { SECRET_UNAVAILABLE } from '../errors/catalogue.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { VaultSettings } from './settings.js';

type RawClient = ReturnType<typeof nodeVault>;

interface KvResponse {
  data: { data: Record<string, unknown>; metadata: { version: number } };
}

interface TokenInfo {
  data: { ttl: number; renewable: boolean };
}

const statusOf = (err: unknown) => (err as { response?: { statusCode?: number } }).response?.statusCode;

/**
 * Vault (or OpenBao) for one service: logs in with a token or AppRole, reads
 * KV v2 secrets, and keeps its token alive by renewing before expiry, logging
 * in again when renewal is refused. Secret values are never logged.
 */
export class VaultSecrets {
  readonly #settings: VaultSettings;
  readonly #logger: Logger;
  readonly #client: RawClient;
  #renewTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(settings: VaultSettings, logger: Logger = silentLogger) {
    this.#settings = settings;
    this.#logger = logger.child({ 'vault.url': settings.url });
    this.#client = nodeVault({ apiVersion: 'v1', endpoint: settings.url, requestOptions: { timeout: settings.timeoutMs } });
  }

  /** Logs in and schedules token renewal. */
  async login(): Promise<void> {
    const { auth } = this.#settings;
    try {
      if (auth.method === 'approle') {
        const res = (await this.#client.approleLogin({ role_id: auth.roleId, secret_id: auth.secretId, mount_point: auth.mount })) as {
          auth: { client_token: string; lease_duration: number; renewable: boolean };
        };
        this.#client.token = res.auth.client_token;
        this.#schedule(res.auth.lease_duration, res.auth.renewable);
      } else {
        this.#client.token = auth.token;
        const self = (await this.#client.tokenLookupSelf()) as TokenInfo;
        this.#schedule(self.data.ttl, self.data.renewable);
      }
      this.#logger.info('logged in to vault', { 'vault.auth.method': auth.method });
    } catch (err) {
      throw SECRET_UNAVAILABLE({ detail: `vault login (${auth.method}) failed${statusOf(err) ? ` with status ${statusOf(err)}` : ''}`, cause: err });
    }
  }

  /** One KV v2 secret, or undefined when the path does not exist. */
  async read(path: string): Promise<{ data: Record<string, unknown>; version: number } | undefined> {
    try {
      const res = (await this.#client.read(`${this.#settings.kv.mount}/data/${path}`)) as KvResponse;
      return { data: res.data.data, version: res.data.metadata.version };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw SECRET_UNAVAILABLE({ detail: `reading ${this.#settings.kv.mount}/${path} failed${statusOf(err) ? ` with status ${statusOf(err)}` : ''}`, cause: err });
    }
  }

  /** Writes a KV v2 secret (used to store generated keys, e.g. the auth server's signing keys). */
  async write(path: string, data: Record<string, unknown>): Promise<void> {
    try {
      await this.#client.write(`${this.#settings.kv.mount}/data/${path}`, { data });
    } catch (err) {
      throw SECRET_UNAVAILABLE({ detail: `writing ${this.#settings.kv.mount}/${path} failed${statusOf(err) ? ` with status ${statusOf(err)}` : ''}`, cause: err });
    }
  }

  /**
   * The secrets of an application, as spring-cloud-vault layers them:
   * secret/application, secret/{app}, secret/{app}/{profile}… with later
   * (more specific) layers winning. Returns flat keys.
   */
  async readLayered(app: string, profiles: readonly string[]): Promise<Record<string, unknown>> {
    const paths = [this.#settings.kv.defaultContext, app, ...profiles.map((p) => `${app}/${p}`)];
    const layers = await Promise.all(paths.map((p) => this.read(p)));
    return Object.assign({}, ...layers.map((l) => l?.data ?? {}));
  }

  async health(): Promise<Record<string, unknown>> {
    const h = (await this.#client.health()) as { sealed: boolean; version: string };
    if (h.sealed) throw new Error('vault is sealed');
    return { version: h.version };
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#renewTimer);
  }

  #schedule(ttlSeconds: number, renewable: boolean): void {
    clearTimeout(this.#renewTimer);
    // ttl 0 = a root or periodic-less token that never expires: nothing to renew.
    if (this.#closed || ttlSeconds <= 0) return;
    const delay = Math.max(1_000, ttlSeconds * 1_000 * this.#settings.renewFraction);
    this.#renewTimer = setTimeout(() => void this.#renew(renewable), delay);
    this.#renewTimer.unref();
  }

  async #renew(renewable: boolean): Promise<void> {
    try {
      if (!renewable) throw new Error('token is not renewable');
      const res = (await this.#client.tokenRenewSelf()) as { auth: { lease_duration: number; renewable: boolean } };
      this.#logger.debug('vault token renewed', { 'vault.token.ttl_s': res.auth.lease_duration });
      this.#schedule(res.auth.lease_duration, res.auth.renewable);
    } catch (err) {
      this.#logger.warn('vault token renewal failed, logging in again', { 'error.message': err instanceof Error ? err.message : String(err) });
      try {
        await this.login();
      } catch {
        // Keep trying: the service keeps its already-read secrets meanwhile.
        this.#schedule(10, false);
      }
    }
  }
}
