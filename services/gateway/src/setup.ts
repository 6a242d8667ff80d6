import type { Static } from '@sinclair/typebox';
import { createResolver, type KitSettings, type ServiceContext, type ServiceResolver } from '@nimbus/kit';
import { Redis } from 'ioredis';
import { TokenVerifier, type Verifier } from './auth/verifier.js';
import { Upstreams } from './proxy/upstreams.js';
import { RouteTable } from './routing/table.js';
import type { Settings } from './settings.js';

export type GatewayContext = ServiceContext<Static<typeof Settings> & KitSettings>;

export interface GatewayDeps {
  /** The routes in force; gateway.routes changes replace them live. */
  routes: RouteTable;
  resolver: ServiceResolver;
  upstreams: Upstreams;
  /** Follows gateway.auth: a refresh builds a new verifier (and drops the verified-token cache). */
  verifier: Verifier;
  redis: Redis | undefined;
}

/** Resolver primed for every route target, breakers, the token verifier and the Redis counters. */
export async function setup(ctx: GatewayContext): Promise<GatewayDeps> {
  const { gateway } = ctx.settings;
  const routes = new RouteTable(gateway.routes);
  const resolver = createResolver(ctx.settings.discovery, { logger: ctx.logger, registry: ctx.metrics });
  ctx.onClose({ name: 'discovery-resolver', close: () => resolver.close() });
  await Promise.all(routes.services.map((s) => resolver.prime(s)));
  ctx.config.onChange('gateway.routes', (current) => {
    const next = (current as unknown as Static<typeof Settings>).gateway.routes;
    const outcome = routes.replace(next);
    if (!outcome.ok) {
      ctx.logger.error('refreshed gateway.routes refused; the previous routes stay in force', { 'error.message': outcome.problem });
      return;
    }
    // A new target's instances are looked up in the background; until then its route answers 503 NO_INSTANCES.
    for (const s of routes.services) resolver.prime(s).catch((err: unknown) => ctx.logger.warn('discovery lookup for a new route target failed', { 'service.target': s, 'error.message': String(err) }));
    ctx.logger.info('routes updated', { 'gateway.routes': routes.current.map((r) => `${r.path} -> ${r.service}`) });
  });
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
      const services = routes.services;
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
  let verifier = new TokenVerifier(gateway.auth, resolver);
  ctx.config.onChange('gateway.auth', (current) => {
    const auth = (current as unknown as Static<typeof Settings>).gateway.auth;
    verifier = new TokenVerifier(auth, resolver);
    ctx.logger.info('token verification settings updated', { 'gateway.auth.issuer': auth.issuer, 'gateway.auth.audience': auth.audience });
  });
  return { routes, resolver, upstreams, verifier: { verify: (token) => verifier.verify(token) }, redis };
}
