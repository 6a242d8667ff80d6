import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RATE_LIMITED } from '@nimbus/kit';
import type { Redis } from 'ioredis';
import type { GatewaySettings } from '../settings.js';

export interface RateLimitOptions {
  /** Current limits; read on every request so a configuration refresh applies at once. */
  limits(): GatewaySettings['rateLimit'];
  /** The key of the caller: route id + user id, or + client IP when anonymous. */
  keyOf(request: FastifyRequest): string;
  /** The route id of a request (for per-route limits). */
  routeOf(request: FastifyRequest): string | undefined;
  redis: Redis | undefined;
}

/** The limit that applies to a route: its own override, else the gateway-wide one. */
export function limitFor(limits: GatewaySettings['rateLimit'], routeId: string | undefined): { max: number; timeWindowMs: number } {
  const own = routeId === undefined ? undefined : limits.routes[routeId];
  return own ?? { max: limits.max, timeWindowMs: limits.timeWindowMs };
}

/**
 * @fastify/rate-limit over the proxied routes of the scope it is registered
 * in. Limits are functions of the live settings; counters live in Redis when
 * configured (shared by gateway instances), in memory otherwise. A Redis
 * outage lets requests through (skipOnError) rather than failing the API.
 */
export async function registerRateLimit(app: FastifyInstance, opts: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    enableDraftSpec: true,
    skipOnError: true,
    nameSpace: 'nimbus-gateway-rl:',
    ...(opts.redis && { redis: opts.redis }),
    // Limits off: no key is built, and the empty key is let through (read once, so a refresh between the two cannot count it).
    keyGenerator: (req) => (opts.limits().enabled ? opts.keyOf(req) : ''),
    allowList: (_req, key) => key === '',
    max: (req) => limitFor(opts.limits(), opts.routeOf(req)).max,
    timeWindow: (req) => limitFor(opts.limits(), opts.routeOf(req)).timeWindowMs,
    errorResponseBuilder: (_req, ctx) =>
      RATE_LIMITED({ detail: `limit of ${ctx.max} requests reached; retry after ${ctx.after}`, headers: { 'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))) } }),
  });
}
