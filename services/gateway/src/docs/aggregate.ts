import type { ServiceResolver } from '@nimbus/kit';
import { matchesPrefix } from '../routing/match.js';
import type { RouteSettings } from '../settings.js';

type Doc = { paths?: Record<string, unknown>; components?: Record<string, Record<string, unknown>> };

export interface AggregateResult {
  openapi: '3.0.3';
  info: { title: string; version: string };
  paths: Record<string, unknown>;
  components: Record<string, Record<string, unknown>>;
  /** Per service: `ok`, or why its document is missing. */
  'x-nimbus-sources': Record<string, string>;
}

/**
 * Merges the services' own /openapi.json into one document of the public
 * API: only paths some route exposes unchanged (no stripPrefix/prefixPath),
 * component names prefixed with the service (`product-service.Product`) so
 * two services' `Problem` schemas cannot collide, and their $refs rewritten.
 * A service that cannot be reached is listed in `x-nimbus-sources`, not fatal.
 */
export async function aggregateOpenApi(routes: readonly RouteSettings[], resolver: ServiceResolver, fetchDoc = fetchOpenApi): Promise<AggregateResult> {
  const out: AggregateResult = { openapi: '3.0.3', info: { title: 'nimbus API (through the gateway)', version: '1' }, paths: {}, components: {}, 'x-nimbus-sources': {} };
  const exposed = routes.filter((r) => r.stripPrefix === 0 && !r.prefixPath);
  const services = [...new Set(exposed.map((r) => r.service))];
  await Promise.all(
    services.map(async (service) => {
      try {
        const doc = await fetchDoc(resolver.next(service).url);
        const renamed = renameComponents(doc, service);
        const prefixes = exposed.filter((r) => r.service === service).map((r) => r.path);
        for (const [path, item] of Object.entries(renamed.paths ?? {})) {
          if (prefixes.some((p) => matchesPrefix(p, path.replace(/\{[^}]+\}/g, 'x')))) out.paths[path] = item;
        }
        for (const [kind, entries] of Object.entries(renamed.components ?? {})) out.components[kind] = { ...out.components[kind], ...entries };
        out['x-nimbus-sources'][service] = 'ok';
      } catch (err) {
        out['x-nimbus-sources'][service] = err instanceof Error ? err.message : String(err);
      }
    }),
  );
  return out;
}

/** Prefixes every component name with the service and rewrites the refs to them. */
export function renameComponents(doc: Doc, service: string): Doc {
  const text = JSON.stringify(doc).replace(/"#\/components\/([A-Za-z]+)\/([^"]+)"/g, (_m, kind: string, name: string) => `"#/components/${kind}/${service}.${name}"`);
  const renamed = JSON.parse(text) as Doc;
  const components: Record<string, Record<string, unknown>> = {};
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
