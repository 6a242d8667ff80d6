export { metricsPlugin, type MetricsPluginOptions } from './plugin.js';
export { MetricsSettings, DEFAULT_DURATION_BUCKETS } from './settings.js';
export { httpServerMetrics, methodLabel, REQUESTS_TOTAL, REQUEST_DURATION, type HttpServerMetrics } from './http-metrics.js';
