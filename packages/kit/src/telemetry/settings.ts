import { Type, type Static } from '@sinclair/typebox';

/** Paths probed by Consul, load balancers and Prometheus: traced they would bury real traffic in Zipkin. */
export const DEFAULT_UNTRACED_PATHS = ['/health/live', '/health/ready', '/metrics'];

export const TracingSettings = Type.Object({
  tracing: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'Export traces to Zipkin (preload env NIMBUS_TRACING_ENABLED); when false no SDK starts and nothing is propagated' }),
    zipkinUrl: Type.String({ default: 'http://127.0.0.1:9411', description: 'Zipkin base URL (preload env ZIPKIN_URL); spans go to <url>/api/v2/spans' }),
    sampleRatio: Type.Number({
      default: 1,
      minimum: 0,
      maximum: 1,
      description: 'Share of new traces recorded (preload env OTEL_TRACES_SAMPLER_ARG); a caller\'s sampling decision is always followed. 1.0 suits development; Micrometer defaults to 0.1',
    }),
    rootClientSpans: Type.Boolean({
      default: false,
      description: 'Record outgoing HTTP and database calls made outside any traced operation (pollers, health probes); off keeps background chatter out of Zipkin',
    }),
    ignorePaths: Type.Array(Type.String(), { default: DEFAULT_UNTRACED_PATHS, description: 'Incoming request paths never traced (exact match, query ignored)' }),
    fastifyHookSpans: Type.Boolean({ default: false, description: 'One span per fastify hook (onRequest, preHandler…) in addition to the request and handler spans' }),
    maskSqlStatements: Type.Boolean({ default: true, description: 'Replace literals in SQL recorded on spans with ?, so values never reach Zipkin' }),
    batch: Type.Object({
      maxQueueSize: Type.Integer({ default: 2048, minimum: 1, description: 'Finished spans buffered before new ones are dropped (Zipkin down or slow)' }),
      maxExportBatchSize: Type.Integer({ default: 512, minimum: 1, description: 'Spans per POST to Zipkin' }),
      scheduledDelayMs: Type.Integer({ default: 1000, minimum: 10, description: 'Longest wait before buffered spans are sent' }),
      exportTimeoutMs: Type.Integer({ default: 10_000, minimum: 100, description: 'Timeout of one POST to Zipkin' }),
    }),
    shutdownTimeoutMs: Type.Integer({ default: 5000, minimum: 100, description: 'Bound on flushing buffered spans at shutdown' }),
  }),
});
export type TracingSettings = Static<typeof TracingSettings>['tracing'];

/** Who is being traced; comes from the service definition, not from configuration. */
export interface ServiceIdentity {
  serviceName: string;
  serviceVersion: string;
  /** Stable id of this process (e.g. the discovery instance id); a random UUID when omitted. */
  serviceInstanceId?: string;
}

/** Settings as callers may give them: any field left out takes its default. */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
