import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import { backoffDelay, sleep } from './backoff.js';
import { ConsulApi, type ConsulServiceDefinition } from './consul-api.js';
import { instanceUrl } from './instance.js';
import type { DiscoverySettings } from './settings.js';

export interface RegisteredService {
  name: string;
  version: string;
  /** Published as meta.zone unless discovery.registration.zone overrides it. */
  zone?: string;
}

/** Where the HTTP server actually listens, e.g. from `app.server.address()`. */
export interface ListenAddress {
  address?: string;
  port: number;
}

export interface ConsulRegistrationOptions {
  settings: DiscoverySettings;
  service: RegisteredService;
  listen: ListenAddress;
  logger: Logger;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::', '::0', '[::]']);

/**
 * The registration Consul receives, derived once from settings and the
 * listen address. Pure, so its rules (ID, address fallback, meta) are unit
 * tested without Consul.
 */
export function registrationDefinition(
  settings: DiscoverySettings,
  service: RegisteredService,
  listen: ListenAddress,
  suffix: () => string = () => randomBytes(4).toString('hex'),
): ConsulServiceDefinition {
  const reg = settings.registration;
  const listenAddress = listen.address ?? '';
  const address = reg.address || (WILDCARDS.has(listenAddress) ? '127.0.0.1' : listenAddress);
  const port = reg.port || listen.port;
  if (!port) throw new Error('discovery.registration.port is 0 and the server has no listen port yet: register after listen()');
  const generated = `${service.name}-${address}-${port}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  const id = reg.instanceId || (reg.randomSuffix ? `${generated}-${suffix()}` : generated);
  const check = reg.check;
  const zone = reg.zone || service.zone;
  return {
    ID: id,
    Name: service.name,
    Address: address,
    Port: port,
    Tags: [...reg.tags],
    Meta: { ...reg.meta, version: service.version, ...(zone && { zone }) },
    Check: {
      HTTP: `${instanceUrl(address, port)}${check.path.startsWith('/') ? '' : '/'}${check.path}`,
      Method: 'GET',
      Interval: `${check.intervalMs}ms`,
      Timeout: `${check.timeoutMs}ms`,
      DeregisterCriticalServiceAfter: `${check.deregisterCriticalAfterMs}ms`,
    },
  };
}

/**
 * This instance's entry in Consul: registered after the server listens,
 * watched so that an agent restart (which forgets registrations made over
 * its API) is repaired, and removed at shutdown. Consul's own HTTP check on
 * /health/ready decides when the instance receives traffic.
 */
export class ConsulRegistration {
  readonly definition: ConsulServiceDefinition;
  readonly #api: ConsulApi;
  readonly #log: Logger;
  readonly #settings: DiscoverySettings;
  readonly #stop = new AbortController();
  #keeper: Promise<void> | undefined;
  /** Consecutive failed attempts to register or verify; while > 0 we retry on the backoff, not the verify interval. */
  #failures = 0;

  constructor(opts: ConsulRegistrationOptions) {
    this.#settings = opts.settings;
    this.definition = registrationDefinition(opts.settings, opts.service, opts.listen);
    this.#api = new ConsulApi(opts.settings.consul);
    this.#log = opts.logger.child({ component: 'discovery', instanceId: this.definition.ID });
  }

  get id(): string {
    return this.definition.ID;
  }

  /**
   * Registers, then keeps the registration alive. With `failFast` a refusal
   * rejects (start-up fails); otherwise it is logged and retried in the
   * background, so a service started before Consul still joins it. A no-op
   * when discovery.mode is static or registration is disabled.
   */
  async register(): Promise<void> {
    if (this.#keeper || this.#stop.signal.aborted) return;
    if (this.#settings.mode !== 'consul' || !this.#settings.registration.enabled) {
      this.#log.info('Consul registration disabled by settings', { mode: this.#settings.mode });
      return;
    }
    try {
      await this.#api.register(this.definition, this.#stop.signal);
      this.#log.info('registered in Consul', { service: this.definition.Name, address: this.definition.Address, port: this.definition.Port });
    } catch (err) {
      if (this.#settings.registration.failFast) throw err;
      this.#failures = 1;
      this.#log.warn('cannot register in Consul yet; retrying in the background', { error: errorMessage(err) });
    }
    this.#keeper = this.#keep();
  }

  /** Stops the keeper and removes the entry. Never throws: shutdown must go on even when Consul is gone. */
  async deregister(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    if (!this.#keeper) return this.#api.close();
    await this.#keeper;
    try {
      await this.#api.deregister(this.definition.ID);
      this.#log.info('deregistered from Consul');
    } catch (err) {
      this.#log.warn('could not deregister from Consul; it will reap the entry once the check stays critical', { error: errorMessage(err) });
    } finally {
      await this.#api.close();
    }
  }

  async #keep(): Promise<void> {
    const signal = this.#stop.signal;
    const { registration, consul } = this.#settings;
    while (!signal.aborted) {
      const delay = this.#failures > 0 ? backoffDelay(this.#failures, consul.backoff.initialMs, consul.backoff.maxMs) : registration.verifyIntervalMs;
      await sleep(delay, signal);
      if (signal.aborted) break;
      try {
        if (!(await this.#api.isRegistered(this.definition.ID, signal))) {
          if (this.#failures === 0) this.#log.warn('Consul lost this registration (agent restart?); registering again');
          await this.#api.register(this.definition, signal);
          this.#log.info('registered in Consul', { service: this.definition.Name });
        }
        this.#failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (this.#failures === 0) this.#log.warn('cannot verify the Consul registration; will retry', { error: errorMessage(err) });
        this.#failures += 1;
      }
    }
  }
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));
