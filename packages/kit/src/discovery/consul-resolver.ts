import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';
import { backoffDelay, sleep } from './backoff.js';
import { NO_INSTANCES } from './catalogue.js';
import { ConsulApi, nextIndex } from './consul-api.js';
import type { Instance } from './instance.js';
import { InstancePool } from './instance-pool.js';
import { discoveryMetrics, type DiscoveryMetrics } from './metrics.js';
import type { DiscoveryHealth, ServiceResolver } from './resolver.js';
import type { DiscoverySettings } from './settings.js';

export interface ConsulResolverOptions {
  settings: DiscoverySettings;
  logger: Logger;
  registry?: Registry;
}

/** One watched service: its cache and the state of its blocking-query loop. */
interface Watch {
  readonly service: string;
  readonly pool: InstancePool;
  readonly firstAnswer: Promise<void>;
  answered: () => void;
  index: number;
  failures: number;
  updatedAt?: number;
  error?: string;
  loop?: Promise<void>;
}

const sameInstances = (a: readonly Instance[], b: readonly Instance[]) =>
  a.length === b.length && a.every((x, i) => x.id === b[i]?.id && x.url === b[i]?.url);

/**
 * Instances from Consul's health API, cached per service and kept fresh by
 * one blocking query per service (long-poll on X-Consul-Index). Lookups
 * never touch the network. When Consul is unreachable the cache keeps
 * serving the last known instances and the watch retries with backoff:
 * stale addresses are far better than none while Consul restarts.
 */
export class ConsulResolver implements ServiceResolver {
  readonly #settings: DiscoverySettings;
  readonly #log: Logger;
  readonly #api: ConsulApi;
  readonly #metrics: DiscoveryMetrics | undefined;
  readonly #watches = new Map<string, Watch>();
  readonly #stop = new AbortController();

  constructor(opts: ConsulResolverOptions) {
    this.#settings = opts.settings;
    this.#log = opts.logger.child({ component: 'discovery' });
    this.#api = new ConsulApi(opts.settings.consul);
    this.#metrics = opts.registry ? discoveryMetrics(opts.registry) : undefined;
  }

  resolve(service: string): readonly Instance[] {
    return this.#watch(service).pool.instances;
  }

  next(service: string): Instance {
    const watch = this.#watch(service);
    const instance = watch.pool.next();
    if (instance) return instance;
    const why = watch.error ? `Consul is unreachable (${watch.error})` : watch.updatedAt ? 'Consul lists no passing instance' : 'not fetched from Consul yet';
    throw NO_INSTANCES({ detail: `${service}: ${why}`, extensions: { service } });
  }

  markFailed(instance: Instance): void {
    this.#watches.get(instance.service)?.pool.markFailed(instance);
  }

  async prime(service: string): Promise<readonly Instance[]> {
    const watch = this.#watch(service);
    await watch.firstAnswer;
    return watch.pool.instances;
  }

  async health(): Promise<DiscoveryHealth> {
    const services: DiscoveryHealth['services'] = {};
    for (const w of this.#watches.values()) {
      services[w.service] = {
        instances: w.pool.instances.length,
        quarantined: w.pool.quarantined(),
        ...(w.updatedAt !== undefined && { updatedAt: new Date(w.updatedAt).toISOString() }),
        ...(w.error !== undefined && { error: w.error }),
      };
    }
    try {
      const leader = await this.#api.leader();
      if (!leader) return { mode: 'consul', reachable: false, error: 'Consul has no cluster leader', services };
      return { mode: 'consul', reachable: true, services };
    } catch (err) {
      return { mode: 'consul', reachable: false, error: err instanceof Error ? err.message : String(err), services };
    }
  }

  async close(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    await Promise.all([...this.#watches.values()].map((w) => w.loop));
    await this.#api.close();
  }

  #watch(service: string): Watch {
    const existing = this.#watches.get(service);
    if (existing) return existing;
    let answered = () => {};
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
    const watch: Watch = { service, pool: new InstancePool(service, this.#settings.quarantineMs), firstAnswer, answered, index: 0, failures: 0 };
    this.#watches.set(service, watch);
    if (this.#stop.signal.aborted) watch.answered();
    else watch.loop = this.#run(watch);
    return watch;
  }

  async #run(watch: Watch): Promise<void> {
    const { consul } = this.#settings;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        const answer = await this.#api.healthService(watch.service, {
          index: watch.index,
          waitMs: consul.waitMs,
          ...(consul.queryTag && { tag: consul.queryTag }),
          signal,
        });
        watch.index = nextIndex(watch.index, answer.index);
        this.#accept(watch, answer.instances);
      } catch (err) {
        if (signal.aborted) break;
        this.#failed(watch, err);
        watch.answered();
        await sleep(backoffDelay(watch.failures, consul.backoff.initialMs, consul.backoff.maxMs), signal);
        continue;
      }
      watch.answered();
    }
    watch.answered();
  }

  #accept(watch: Watch, instances: Instance[]): void {
    if (watch.error !== undefined) {
      this.#log.info('Consul answers again; discovery cache refreshed', { service: watch.service, instances: instances.length, failures: watch.failures });
    }
    watch.failures = 0;
    delete watch.error;
    watch.updatedAt = Date.now();
    if (!sameInstances(watch.pool.instances, instances)) {
      this.#log.debug('instances changed', { service: watch.service, instances: instances.map((i) => i.url) });
    }
    // Replaced even when the same IDs come back, so tag and meta changes land too.
    watch.pool.replace(instances);
    this.#metrics?.instances.set({ service: watch.service }, instances.length);
  }

  #failed(watch: Watch, err: unknown): void {
    watch.failures += 1;
    watch.error = err instanceof Error ? err.message : String(err);
    this.#metrics?.errors.inc({ service: watch.service });
    // Warn once per outage, not once per retry: an outage must not flood the logs.
    if (watch.failures === 1) {
      this.#log.warn('cannot query Consul; serving the cached instances until it answers', {
        service: watch.service,
        cached: watch.pool.instances.length,
        error: watch.error,
      });
    }
  }
}
