import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import { NOT_FOUND } from '@nimbus/kit';
import { authorize } from '../auth/hook.js';
import type { Identity } from '../auth/rules.js';
import type { Verifier } from '../auth/verifier.js';
import { registerRateLimit } from '../limits/rate-limit.js';
import { forward, type ForwardDeps } from '../proxy/forward.js';
import { acceptWebSockets } from '../proxy/websocket.js';
import { matchRoute, type RouteMatch } from '../routing/match.js';
import type { RouteTable } from '../routing/table.js';
import type { GatewaySettings } from '../settings.js';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';

export interface ProxyOptions extends ForwardDeps {
  /** The routes in force (replaced live on refresh). */
  routes: RouteTable;
  verifier: Verifier;
  limits(): GatewaySettings['rateLimit'];
  redis: Redis | undefined;
  connectTimeoutMs: number;
  /** OPTIONS is left to @fastify/cors when CORS is on. */
  methods: HTTPMethods[];
  metrics: Registry;
}

interface RequestState {
  match: RouteMatch;
  identity: Identity | undefined;
}

/**
 * The proxied API, in its own encapsulated scope: raw bodies (buffered up to
 * server.bodyLimitBytes, so a retried attempt can resend them), then per
 * request: route match and auth (onRequest), rate limit (preParsing),
 * forward (handler). WebSocket handshakes take the same path, their
 * attempt opening a tunnel. The kit's own routes (/health, /metrics) stay outside.
 */
export async function proxyRoutes(scope: FastifyInstance, opts: ProxyOptions): Promise<void> {
  const state = new WeakMap<FastifyRequest, RequestState>();

  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const webSockets = acceptWebSockets(scope, opts.metrics);
  await scope.register(replyFrom, {
    disableRequestLogging: true,
    undici: { connections: 128, keepAliveTimeout: 4_000, connect: { timeout: opts.connectTimeoutMs } },
  });

  scope.addHook('onRequest', async function routeAndAuthenticate(request) {
    const match = matchRoute(opts.routes.current, request.url);
    if (!match) throw NOT_FOUND(`no route for ${request.method} ${request.url.split('?')[0] ?? ''}`);
    const identity = await authorize(request, match.route, opts.verifier);
    state.set(request, { match, identity });
  });

  await registerRateLimit(scope, {
    limits: opts.limits,
    redis: opts.redis,
    routeOf: (req) => state.get(req)?.match.route.id,
    keyOf: (req) => {
      const s = state.get(req);
      const who = s?.identity ? `user:${s.identity.subject}` : `ip:${req.ip}`;
      return `${s?.match.route.id ?? '-'}|${who}`;
    },
  });

  scope.route({
    method: opts.methods,
    url: '/*',
    handler: async function proxy(request, reply) {
      const s = state.get(request);
      if (!s) throw NOT_FOUND();
      await forward(request, reply, s.match, s.identity, opts, webSockets.attemptFor(request, s.match.route.id));
      return reply;
    },
  });
}
