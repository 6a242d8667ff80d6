import { FastifyOtelInstrumentation, type FastifyOtelLifecycleHookInfo } from '@fastify/otel';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { TracingSettings } from './settings.js';

/** The structural shape NodeSDK needs; @fastify/otel is built on an older @opentelemetry/instrumentation than the rest. */
export interface AnyInstrumentation {
  readonly instrumentationName: string;
  enable(): void;
  disable(): void;
}

const pathOf = (url: string | undefined) => (url ?? '').split('?', 1)[0] ?? '';

/**
 * @fastify/otel names an anonymous handler's span after the chain of plugins
 * registered before it ("handler - fastify -> @fastify/otel -> @nimbus/kit/metrics
 * -> …"), which says nothing in Zipkin. Named functions keep their name;
 * anonymous handlers are named after their route: `handler /orders/:id`.
 */
export function fastifySpanName(info: FastifyOtelLifecycleHookInfo): string {
  const fn = info.handler;
  const named = fn && fn !== 'anonymous' && fn !== 'fastify' && !fn.includes(' -> ') ? fn : undefined;
  if (info.hookName === 'handler') return `handler ${named ?? info.request.routeOptions.url ?? pathOf(info.request.url)}`;
  return named ? `${info.hookName} ${named}` : info.hookName;
}

/**
 * Everything the platform talks through. Constructing an instrumentation
 * enables it, which registers its module hooks: in ESM that must happen
 * before the app imports the modules (see register.ts).
 *
 * http: incoming requests (server spans) and node:http clients.
 * undici: fetch() and undici clients (the kit's HTTP client).
 * @fastify/otel: request and handler spans, and the route that renames the
 *   http server span to `GET /orders/:id`; it hooks fastify through the
 *   `fastify.initialization` diagnostics channel, so no module patching.
 * mysql2, mongodb, amqplib, kafkajs: the stores and brokers services use.
 */
export function createInstrumentations(settings: TracingSettings): AnyInstrumentation[] {
  const ignored = new Set(settings.ignorePaths);
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => ignored.has(pathOf(req.url)),
    }),
    new UndiciInstrumentation(),
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: (route) => ignored.has(pathOf(route.url)),
      instrumentHooks: settings.fastifyHookSpans,
      lifecycleHook: (span, info) => span.updateName(fastifySpanName(info)),
    }),
    new MySQL2Instrumentation({ maskStatement: settings.maskSqlStatements }),
    // Query values can hold personal data: only the command shape is recorded.
    new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
    new AmqplibInstrumentation(),
    new KafkaJsInstrumentation(),
  ];
}
