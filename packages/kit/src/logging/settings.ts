import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_UNTRACED_PATHS } from '../telemetry/settings.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const Level = Type.Union(
  LOG_LEVELS.map((l) => Type.Literal(l)),
  { default: 'info', description: 'Least severe level written: fatal, error, warn, info, debug or trace' },
);

export const LogShippingSettings = Type.Object({
  enabled: Type.Boolean({ default: true, description: 'Ship ECS log documents to Elasticsearch (or Logstash) with _bulk, besides stdout; when false a shipper takes nothing' }),
  url: Type.String({
    default: 'http://127.0.0.1:9200',
    description: 'Where `_bulk` NDJSON is POSTed (bootstrap env LOGS_URL): Elasticsearch, OpenSearch or a Logstash http input; user:password@ becomes basic auth',
  }),
  indexPrefix: Type.String({ default: 'logs', description: 'Documents go to <prefix>-<service>-YYYY.MM.DD (UTC day of the event)' }),
  batchSize: Type.Integer({ default: 500, minimum: 1, description: 'Most documents per _bulk request' }),
  maxBatchBytes: Type.Integer({ default: 5_242_880, minimum: 1024, description: 'Most bytes per _bulk request' }),
  flushIntervalMs: Type.Integer({ default: 1000, minimum: 10, description: 'Longest a document waits before it is sent' }),
  maxQueue: Type.Integer({ default: 10_000, minimum: 1, description: 'Documents buffered while Elasticsearch is slow or down; beyond it the oldest are dropped and counted' }),
  maxQueueBytes: Type.Integer({ default: 33_554_432, minimum: 1024, description: 'Bytes buffered at most, the same way; bounds memory whatever the document size' }),
  maxDocumentBytes: Type.Integer({ default: 262_144, minimum: 256, description: 'Larger documents are dropped and counted (reason too_large) instead of shipped; stdout still has them' }),
  requestTimeoutMs: Type.Integer({ default: 10_000, minimum: 100, description: 'Timeout of one _bulk request' }),
  backoff: Type.Object({
    initialMs: Type.Integer({ default: 500, minimum: 1, description: 'First pause after a failed request; doubles per failure' }),
    maxMs: Type.Integer({ default: 30_000, minimum: 1, description: 'Longest pause between attempts while Elasticsearch fails' }),
  }),
  closeTimeoutMs: Type.Integer({ default: 5000, minimum: 0, description: 'Bound on sending what is buffered at shutdown; the rest is dropped and counted' }),
});
export type LogShippingSettings = Static<typeof LogShippingSettings>;

export const LoggingSettings = Type.Object({
  logging: Type.Object({
    level: Level,
    stdout: Type.Boolean({ default: true, description: 'Write ECS JSON lines to stdout (container log collectors read them)' }),
    shipping: LogShippingSettings,
    accessLog: Type.Object({
      enabled: Type.Boolean({ default: true, description: 'One ECS line per HTTP request: method, route, status, duration, trace id' }),
      ignorePaths: Type.Array(Type.String(), { default: DEFAULT_UNTRACED_PATHS, description: 'Request paths not access-logged (probes and scrapes; exact match, query ignored)' }),
    }),
  }),
});
export type LoggingSettings = Static<typeof LoggingSettings>['logging'];
