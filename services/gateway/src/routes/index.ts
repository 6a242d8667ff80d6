import cors from '@fastify/cors';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { registerDocs } from '../docs/routes.js';
import type { Settings } from '../settings.js';
import type { GatewayContext, GatewayDeps } from '../setup.js';
import { proxyRoutes } from './proxy.js';
import { registerSecurityHeaders } from './security-headers.js';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Security headers and CORS for every response, the API docs, then the proxied routes. */
export async function registerRoutes(app: FastifyInstance, ctx: GatewayContext, deps: GatewayDeps): Promise<void> {
  const { gateway } = ctx.settings;
  // helmet's default headers, worked out once by @fastify/helmet rather than on every request.
  await registerSecurityHeaders(app);
  const corsOn = gateway.cors.origins.length > 0;
  if (corsOn) {
    await app.register(cors, {
      origin: gateway.cors.origins.includes('*') ? '*' : [...gateway.cors.origins],
      credentials: gateway.cors.credentials,
      maxAge: gateway.cors.maxAgeSeconds,
      exposedHeaders: ['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'],
    });
  }
  await registerDocs(app, { routes: deps.routes, resolver: deps.resolver });
  let limits = gateway.rateLimit;
  ctx.config.onChange('gateway.rateLimit', (current) => {
    limits = (current as unknown as Settings).gateway.rateLimit;
    ctx.logger.info('rate limits updated', { max: limits.max, timeWindowMs: limits.timeWindowMs, enabled: limits.enabled });
  });
  await app.register(proxyRoutes, {
    routes: deps.routes,
    resolver: deps.resolver,
    upstreams: deps.upstreams,
    verifier: deps.verifier,
    redis: deps.redis,
    limits: () => limits,
    connectTimeoutMs: ctx.settings.client.connectTimeoutMs,
    methods: corsOn ? METHODS : [...METHODS, 'OPTIONS'],
    metrics: ctx.metrics,
  });
}
