import type { HealthCheck } from '../health/registry.js';
import type { ServiceResolver } from './resolver.js';

export interface DiscoveryHealthCheckOptions {
  /**
   * Whether a Consul outage fails readiness. Default false: the cache keeps
   * serving, and failing every service's readiness because Consul blinked
   * would turn one outage into a platform-wide one.
   */
  critical?: boolean;
  /** Services that must have at least one passing instance (the gateway lists its route targets). */
  requireInstancesOf?: readonly string[];
}

/**
 * A readiness check for /health/ready: reports whether Consul answers and
 * how many instances each watched service has in the cache.
 */
export function discoveryHealthCheck(resolver: ServiceResolver, opts: DiscoveryHealthCheckOptions = {}): HealthCheck {
  return {
    name: 'discovery',
    critical: opts.critical ?? false,
    async check() {
      // resolve() starts watching a required service the first time it is asked for.
      const missing = (opts.requireInstancesOf ?? []).filter((s) => resolver.resolve(s).length === 0);
      const health = await resolver.health();
      const instances = Object.fromEntries(Object.entries(health.services).map(([name, s]) => [name, s.instances]));
      const cached = Object.entries(instances).map(([n, c]) => `${n}=${c}`).join(', ') || 'none';
      if (!health.reachable) throw new Error(`${health.mode} unreachable (${health.error ?? 'unknown error'}); serving cached instances: ${cached}`);
      if (missing.length > 0) throw new Error(`no passing instance of ${missing.join(', ')}`);
      return { mode: health.mode, instances };
    },
  };
}
