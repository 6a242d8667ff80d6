import { NO_INSTANCES } from './catalogue.js';
import { instanceFromUrl, type Instance } from './instance.js';
import { InstancePool } from './instance-pool.js';
import type { DiscoveryHealth, ServiceResolver } from './resolver.js';

export interface StaticResolverOptions {
  /** `discovery.static.services`: service name → base URLs. */
  services: Readonly<Record<string, readonly string[]>>;
  quarantineMs: number;
}

/**
 * Fixed instances from settings, for running and testing without Consul.
 * Bad URLs fail at construction, i.e. at boot, naming the setting to fix.
 */
export class StaticResolver implements ServiceResolver {
  readonly #pools = new Map<string, InstancePool>();

  constructor(opts: StaticResolverOptions) {
    for (const [service, urls] of Object.entries(opts.services)) {
      const pool = new InstancePool(service, opts.quarantineMs);
      pool.replace(urls.map((u) => instanceFromUrl(service, u)));
      this.#pools.set(service, pool);
    }
  }

  resolve(service: string): readonly Instance[] {
    return this.#pools.get(service)?.instances ?? [];
  }

  next(service: string): Instance {
    const instance = this.#pools.get(service)?.next();
    if (!instance) throw NO_INSTANCES(`"${service}" has no entry in discovery.static.services`);
    return instance;
  }

  markFailed(instance: Instance): void {
    this.#pools.get(instance.service)?.markFailed(instance);
  }

  async prime(service: string): Promise<readonly Instance[]> {
    return this.resolve(service);
  }

  async health(): Promise<DiscoveryHealth> {
    const services: DiscoveryHealth['services'] = {};
    for (const [name, pool] of this.#pools) services[name] = { instances: pool.instances.length, quarantined: pool.quarantined() };
    return { mode: 'static', reachable: true, services };
  }

  async close(): Promise<void> {}
}
