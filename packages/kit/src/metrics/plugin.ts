import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { flatten } from '../config/flatten.js';
import { resolveSettings } from '../config/settings.js';
import { routeOf } from '../logging/access-log.js';
import type { DeepPartial } from '../telemetry/settings.js';
import { httpServerMetrics, methodLabel } from './http-metrics.js';
import { MetricsSettings } from './settings.js';

export interface MetricsPluginOptions {
  /** Where every metric of the service lives (the kit gives each service its own, never the global one). */
  registry: Registry;
  settings?: DeepPartial<MetricsSettings>;
}

// One marker metric tells whether default metrics already feed a registry;
// collecting twice into the same registry throws on duplicate names.
const DEFAULT_METRIC_MARKER = 'process_cpu_user_seconds_total';

/**
 * GET /metrics in Prometheus text format from the service's registry, the
 * standard process metrics, and per-route RED metrics:
 * `nimbus_http_server_requests_total{method,route,status}` and
 * `nimbus_http_server_request_duration_seconds{method,route,status}`.
 * `route` is the route pattern (`/orders/:id`), never the raw URL, so
 * cardinality stays bounded by the routes the service declares; requests no
 * route matched are counted under `unmatched`.
 */
const metrics: FastifyPluginAsync<MetricsPluginOptions> = async (app, opts) => {
  if (!(opts?.registry instanceof Registry)) throw new TypeError('metricsPlugin: option `registry` (a prom-client Registry) is required');
  const settings = resolveSettings(MetricsSettings, flatten({ metrics: opts.settings ?? {} })).metrics;
  if (!settings.enabled) return;
  const { registry } = opts;
  if (settings.defaultMetrics && !registry.getSingleMetric(DEFAULT_METRIC_MARKER)) collectDefaultMetrics({ register: registry });
  const { requests, duration } = httpServerMetrics(registry, settings.http.buckets);

  app.addHook('onResponse', function recordHttpMetrics(request, reply, done) {
    const labels = { method: methodLabel(request.method), route: routeOf(request), status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  app.get(settings.path, { schema: { hide: true } }, async function serveMetrics(_request, reply) {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
};

export const metricsPlugin = fp(metrics, { name: '@nimbus/kit/metrics', fastify: '5.x' });
