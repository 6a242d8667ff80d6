import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';
import { ConsulResolver } from './consul-resolver.js';
import type { ServiceResolver } from './resolver.js';
import type { DiscoverySettings } from './settings.js';
import { StaticResolver } from './static-resolver.js';

/** The resolver `discovery.mode` asks for. */
export function createResolver(settings: DiscoverySettings, deps: { logger: Logger; registry?: Registry }): ServiceResolver {
  if (settings.mode === 'static') {
    return new StaticResolver({ services: settings.static.services, quarantineMs: settings.quarantineMs });
  }
  return new ConsulResolver({ settings, logger: deps.logger, ...(deps.registry && { registry: deps.registry }) });
}
