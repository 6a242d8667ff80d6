import type { Static } from '@sinclair/typebox';
import { createResolver, type KitSettings, type ServiceContext, type ServiceResolver } from '@nimbus/kit';
import { Redis } from 'ioredis';
import { TokenVerifier } from './auth/verifier.js';
import { Upstreams } from './proxy/upstreams.js';
import { orderRoutes } from './routing/match.js';
import type { RouteSettings, Settings } from './settings.js';

export type GatewayContext = ServiceContext<Static<typeof Settings> & KitSettings>;

export interface GatewayDeps {
  routes: readonly RouteSettings[];
  resolver: ServiceResolver;
  upstreams: Upstreams;
  verifier: TokenVerifier;
  redis: Redis | undefined;
}

/** Resolver primed for every route target, breakers, the token verifier and the Redis counters. */
export async function setup(ctx: GatewayContext): Promise<GatewayDeps> {
  const { gateway } = ctx.settings;
  const routes = orderRoutes(gateway.routes);
  const ids = new Set<string>();
  for (const r of routes) {
    if (ids.has(r.id)) throw new Error(`gateway.routes: route id "${r.id}" is used twice; ids must be unique`);
    ids.add(r.id);
  }
  const resolver = createResolver(ctx.settings.discovery, { logger: ctx.logger, registry: ctx.metrics });
  ctx.onClose({ name: 'discovery-resolver', close: () => resolver.close() });
  const services = [...new Set(routes.map((r) => r.service))];
  await Promise.all(services.map((s) => resolver.prime(s)));
  const upstreams = new Upstreams(ctx.settings.client, ctx.logger);

  let redis: Redis | undefined;
  if (gateway.rateLimit.redisUrl) {
    const client = new Redis(gateway.rateLimit.redisUrl, { connectTimeout: 2_000, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    client.on('error', (err: Error) => ctx.logger.warn('rate-limit redis error', { 'error.message': err.message }));
    await client.connect().catch((err: unknown) => ctx.logger.warn('rate-limit redis unreachable at boot; limits fail open until it answers', { 'error.message': String(err) }));
    ctx.onClose({ name: 'rate-limit-redis', close: async () => void (await client.quit().catch(() => client.disconnect())) });
    redis = client;
  }

  // Readiness: instances and breaker state per upstream. Non-critical: an
  // upstream down degrades its routes, not the gateway as a whole.
  ctx.health.add({
    name: 'upstreams',
    critical: false,
    timeoutMs: ctx.settings.discovery.consul.requestTimeoutMs + 1_000,
    async check() {
      const discovery = await resolver.health();
      const breakers = upstreams.states();
      const details = Object.fromEntries(
        services.map((s) => [s, { instances: resolver.resolve(s).length, quarantined: discovery.services[s]?.quarantined ?? 0, circuit: breakers[s] ?? 'closed' }]),
      );
      const missing = services.filter((s) => details[s]?.instances === 0);
      if (!discovery.reachable || missing.length > 0) {
        const err = new Error(!discovery.reachable ? `discovery unreachable: ${discovery.error ?? ''}` : `no instance of ${missing.join(', ')}`);
        Object.assign(err, { details });
        throw err;
      }
      return { upstreams: details };
    },
  });
  return { routes, resolver, upstreams, verifier: new TokenVerifier(gateway.auth, resolver), redis };
}
