import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Returns the metric already registered under this name, or registers a new
 * one. Several kit parts (or two clients in one process) may share a
 * registry; prom-client throws on a second registration of the same name.
 */
export function registerOnce<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export interface DiscoveryMetrics {
  instances: Gauge<'service'>;
  errors: Counter<'service'>;
}

export function discoveryMetrics(registry: Registry): DiscoveryMetrics {
  return {
    instances: registerOnce(registry, 'nimbus_discovery_instances', () =>
      new Gauge({ name: 'nimbus_discovery_instances', help: 'Passing instances in the discovery cache, per service', labelNames: ['service'], registers: [registry] }),
    ),
    errors: registerOnce(registry, 'nimbus_discovery_errors_total', () =>
      new Counter({ name: 'nimbus_discovery_errors_total', help: 'Failed discovery queries (the cache kept serving)', labelNames: ['service'], registers: [registry] }),
    ),
  };
}
