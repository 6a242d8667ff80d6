import { Counter, Histogram, type Registry } from 'prom-client';

export const REQUESTS_TOTAL = 'nimbus_http_server_requests_total';
export const REQUEST_DURATION = 'nimbus_http_server_request_duration_seconds';

type Labels = 'method' | 'route' | 'status';

export interface HttpServerMetrics {
  requests: Counter<Labels>;
  duration: Histogram<Labels>;
}

/**
 * RED metrics of an HTTP server, in the registry given. Registering twice in
 * one registry (two apps in a test, a plugin registered in two scopes)
 * returns the existing series instead of throwing.
 */
export function httpServerMetrics(registry: Registry, buckets: readonly number[]): HttpServerMetrics {
  const requests =
    (registry.getSingleMetric(REQUESTS_TOTAL) as Counter<Labels> | undefined) ??
    new Counter({ name: REQUESTS_TOTAL, help: 'HTTP requests served, by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration =
    (registry.getSingleMetric(REQUEST_DURATION) as Histogram<Labels> | undefined) ??
    new Histogram({
      name: REQUEST_DURATION,
      help: 'Time from request received to response sent, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [...buckets],
      registers: [registry],
    });
  return { requests, duration };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/** Any other method becomes OTHER, so a client cannot mint label values. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}
