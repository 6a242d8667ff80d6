import { Type, type Static } from '@sinclair/typebox';

/** Micrometer-like latency buckets (seconds), 5 ms to 10 s. */
export const DEFAULT_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const MetricsSettings = Type.Object({
  metrics: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'Serve Prometheus metrics and record HTTP request metrics' }),
    path: Type.String({ default: '/metrics', pattern: '^/', description: 'Where the Prometheus text exposition is served' }),
    defaultMetrics: Type.Boolean({ default: true, description: 'Collect the standard process and Node.js runtime metrics (CPU, memory, event loop lag, GC)' }),
    http: Type.Object({
      buckets: Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
        default: DEFAULT_DURATION_BUCKETS,
        minItems: 1,
        description: 'Upper bounds (seconds) of nimbus_http_server_request_duration_seconds buckets',
      }),
    }),
  }),
});
export type MetricsSettings = Static<typeof MetricsSettings>['metrics'];
