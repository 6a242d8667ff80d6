import type { ServiceResolver } from '@nimbus/kit';
import { ruleFor } from '../auth/rules.js';
import { matchesPrefix, matchRoute, orderRoutes } from '../routing/match.js';
import type { RouteSettings } from '../settings.js';

type Components = Record<string, Record<string, unknown>>;
type Doc = { paths?: Record<string, Record<string, unknown>>; components?: Components };
type Security = Record<string, string[]>[];

export interface AggregateResult {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Components;
  /** Per service: `ok`, or why its document is missing. */
  'x-nimbus-sources': Record<string, string>;
}

/** The one scheme the gateway checks; services' own bearer schemes collapse into it (same token, relayed). */
export const BEARER = 'bearerAuth';
const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Merges the routed services' own /openapi.json into one document of the
 * public API: each service path under the public path a route exposes it at
 * (StripPrefix/PrefixPath undone), component names prefixed with the
 * service (`product-service.Product`) so two services' `Problem` schemas
 * cannot collide, and each operation's security as the gateway enforces it.
 * A service that cannot be reached is listed in `x-nimbus-sources`, not fatal.
 */
export async function aggregateOpenApi(routes: readonly RouteSettings[], resolver: ServiceResolver, fetchDoc = fetchOpenApi): Promise<AggregateResult> {
  const ordered = orderRoutes(routes);
  const out: AggregateResult = {
    openapi: '3.1.0',
    info: { title: 'nimbus API', version: '1', description: 'Every routed service, as called through the gateway. Generated from the services’ own documents.' },
    // Relative: "Try it out" calls go through the gateway that served this document.
    servers: [{ url: '/' }],
    paths: {},
    components: { securitySchemes: { [BEARER]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from the auth server' } } },
    'x-nimbus-sources': {},
  };
  const services = [...new Set(ordered.map((r) => r.service))];
  // Fetched in parallel, merged in route order so the document is stable.
  const fetched = await Promise.allSettled(services.map(async (s) => fetchDoc(resolver.next(s).url)));
  services.forEach((service, i) => {
    const got = fetched[i];
    if (got?.status !== 'fulfilled') {
      out['x-nimbus-sources'][service] = got?.reason instanceof Error ? got.reason.message : String(got?.reason);
      return;
    }
    const { doc, bearers } = withoutBearerSchemes(renameComponents(got.value, service), service);
    for (const route of ordered.filter((r) => r.service === service)) {
      for (const [path, item] of Object.entries(doc.paths ?? {})) {
        const exposed = publicPath(ordered, route, path);
        if (exposed) out.paths[exposed] = withAccess(item, route, (name) => (bearers.has(name) ? BEARER : `${service}.${name}`));
      }
    }
    for (const [kind, entries] of Object.entries(doc.components ?? {})) out.components[kind] = { ...out.components[kind], ...entries };
    out['x-nimbus-sources'][service] = 'ok';
  });
  return out;
}

/**
 * The public path a route exposes `servicePath` at, or undefined: the first
 * `stripPrefix` segments of the route path, then the service path without
 * `prefixPath`. Kept only if the gateway would route that path back to this
 * route and to this very service path (a longer route can shadow it).
 */
export function publicPath(ordered: readonly RouteSettings[], route: RouteSettings, servicePath: string): string | undefined {
  let rest = servicePath;
  const prefix = route.prefixPath.length > 1 ? route.prefixPath.replace(/\/$/, '') : route.prefixPath;
  if (prefix && prefix !== '/') {
    if (!matchesPrefix(prefix, servicePath)) return undefined;
    rest = servicePath.slice(prefix.length);
  }
  const head = route.path.split('/').filter(Boolean).slice(0, route.stripPrefix);
  const base = head.length > 0 ? `/${head.join('/')}` : '';
  const path = base && rest === '/' ? base : `${base}${rest}` || '/';
  const match = matchRoute(ordered, path);
  return match?.route.id === route.id && match.upstreamPath === servicePath ? path : undefined;
}

/** Operations with the security the gateway enforces, and the route's roles/scopes as `x-nimbus-access`. */
function withAccess(item: Record<string, unknown>, route: RouteSettings, schemeName: (name: string) => string): Record<string, unknown> {
  const out = { ...item };
  for (const method of OPERATIONS) {
    const op = item[method] as { security?: Security } | undefined;
    if (!op || typeof op !== 'object') continue;
    if (route.auth === 'authenticated') {
      const rule = ruleFor(route.rules, method);
      const access = rule && (rule.roles.length > 0 || rule.scopes.length > 0) ? { 'x-nimbus-access': { anyOfRoles: rule.roles, allOfScopes: rule.scopes } } : {};
      out[method] = { ...op, security: [{ [BEARER]: [] }], ...access };
    } else {
      // Public at the gateway: only what the service itself asks for (it gets the token relayed).
      const security = (op.security ?? []).map((req) => Object.fromEntries(Object.entries(req).map(([name, scopes]) => [schemeName(name), scopes])));
      out[method] = { ...op, security };
    }
  }
  return out;
}

/** Drops the service's (renamed) HTTP bearer schemes; returns their original names. */
function withoutBearerSchemes(doc: Doc, service: string): { doc: Doc; bearers: Set<string> } {
  const isBearer = (scheme: unknown) => {
    const s = scheme as { type?: string; scheme?: string };
    return s.type === 'http' && s.scheme?.toLowerCase() === 'bearer';
  };
  const all = Object.entries(doc.components?.['securitySchemes'] ?? {});
  const bearers = new Set(all.filter(([, s]) => isBearer(s)).map(([name]) => name.slice(service.length + 1)));
  const securitySchemes = Object.fromEntries(all.filter(([, s]) => !isBearer(s)));
  return { doc: { ...doc, components: { ...doc.components, securitySchemes } }, bearers };
}

/** Prefixes every component name with the service and rewrites the refs to them. */
export function renameComponents(doc: Doc, service: string): Doc {
  const text = JSON.stringify(doc).replace(/"#\/components\/([A-Za-z]+)\/([^"]+)"/g, (_m, kind: string, name: string) => `"#/components/${kind}/${service}.${name}"`);
  const renamed = JSON.parse(text) as Doc;
  const components: Components = {};
  for (const [kind, entries] of Object.entries(renamed.components ?? {})) {
    components[kind] = Object.fromEntries(Object.entries(entries).map(([name, value]) => [`${service}.${name}`, value]));
  }
  return { ...renamed, components };
}

async function fetchOpenApi(baseUrl: string): Promise<Doc> {
  const res = await fetch(`${baseUrl}/openapi.json`, { signal: AbortSignal.timeout(3_000) });
  if (!res.ok) throw new Error(`/openapi.json answered ${res.status}`);
  return (await res.json()) as Doc;
}
