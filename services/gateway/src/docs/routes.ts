import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { NOT_FOUND, type ServiceResolver } from '@nimbus/kit';
import type { RouteTable } from '../routing/table.js';
import { aggregateOpenApi, type AggregateResult } from './aggregate.js';

export interface DocsOptions {
  routes: RouteTable;
  resolver: ServiceResolver;
  /** How long one aggregation is reused: the endpoint is public and fans out to every service. */
  cacheMs?: number;
}

/**
 * CSP of the docs UI, replacing helmet's on its routes: scripts from this
 * origin only (swagger-ui is served from the package, no CDN), inline styles
 * for swagger-ui, no remote sources at all. No upgrade-insecure-requests:
 * the gateway may be reached over plain HTTP, where it would break every asset.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/**
 * The public API document at /openapi.json (alias /openapi/aggregate.json)
 * and swagger-ui at /docs. Registered on the root, outside the proxied
 * scope: no token needed, no rate limit (hence the cache).
 */
export async function registerDocs(app: FastifyInstance, opts: DocsOptions): Promise<void> {
  const document = cached(() => aggregateOpenApi(opts.routes.current, opts.resolver), opts.cacheMs ?? 5_000);

  app.get('/openapi.json', () => document());
  // The URL before the aggregate took over /openapi.json.
  app.get('/openapi/aggregate.json', () => document());

  await app.register(async function docsUi(scope) {
    await scope.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: DOCS_CSP,
      theme: { title: 'nimbus API' },
      uiConfig: { urls: [{ url: '/openapi.json', name: 'nimbus API' }], showExtensions: true },
      uiHooks: {
        // The plugin's /docs/json and /docs/yaml would serve the gateway's own (empty) document.
        onRequest: async function publicDocumentOnly(request, reply) {
          if (request.routeOptions.url === '/docs/json') return reply.redirect('/openapi.json');
          else if (request.routeOptions.url === '/docs/yaml') throw NOT_FOUND('the API document is served as JSON at /openapi.json');
        },
      },
    });
  });
}

/** One load shared by every caller within `ttlMs` (in-flight ones included). */
function cached(load: () => Promise<AggregateResult>, ttlMs: number): () => Promise<AggregateResult> {
  let last: { at: number; value: Promise<AggregateResult> } | undefined;
  return () => {
    if (!last || Date.now() - last.at >= ttlMs) last = { at: Date.now(), value: load() };
    return last.value;
  };
}
