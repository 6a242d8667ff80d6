import type { ServiceClient } from '../client/service-client.js';
import { createServiceClient } from '../client/service-client.js';
import type { ClientSettings } from '../client/settings.js';
import { createResolver } from '../discovery/factory.js';
import { discoveryHealthCheck } from '../discovery/health.js';
import type { ServiceResolver } from '../discovery/resolver.js';
import type { DiscoverySettings } from '../discovery/settings.js';
import type { ServiceContext } from './service.js';

interface WithClients {
  discovery: DiscoverySettings;
  client: ClientSettings;
}

/**
 * Calls to other services by name: instances from discovery (Consul or the
 * static list), cockatiel policies per target from `client.*`. The resolver
 * is primed for `targets`, reported under readiness (non-critical: a Consul
 * blip serves the cache) and closed with the pools.
 */
export async function useServiceClient(ctx: ServiceContext<WithClients>, targets: readonly string[] = []): Promise<{ client: ServiceClient; resolver: ServiceResolver }> {
  const resolver = createResolver(ctx.settings.discovery, { logger: ctx.logger, registry: ctx.metrics });
  await Promise.all(targets.map((t) => resolver.prime(t)));
  const client = createServiceClient({ resolver, settings: ctx.settings.client, logger: ctx.logger, registry: ctx.metrics });
  ctx.health.add({ ...discoveryHealthCheck(resolver, { requireInstancesOf: [] }), timeoutMs: ctx.settings.discovery.consul.requestTimeoutMs + 1_000 });
  ctx.onClose({ name: 'service-client', close: () => client.close() });
  ctx.onClose({ name: 'discovery-resolver', close: () => resolver.close() });
  return { client, resolver };
}
