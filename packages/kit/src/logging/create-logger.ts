import { ecsFields, ecsStringify } from '@elastic/ecs-winston-format';
import winston from 'winston';
import type TransportStream from 'winston-transport';
import { currentTraceIds } from '../telemetry/trace-ids.js';
import type { Logger } from './logger.js';
import { redactRecord } from './redact.js';
import { LOG_LEVELS, type LogLevel } from './settings.js';

type Fields = Record<string, unknown>;

/** The kit's `Logger`, plus what a service's own code and the fastify adapter need. */
export interface NimbusLogger extends Logger {
  fatal(message: string, fields?: Fields): void;
  trace(message: string, fields?: Fields): void;
  child(fields: Fields): NimbusLogger;
  /** Least severe level written; may be changed at run time (configuration refresh). */
  level: string;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface CreateLoggerOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Default `info`. */
  level?: LogLevel;
  /** Ships every document to Elasticsearch too (an ElasticsearchShipper, or any winston transport). */
  shipper?: TransportStream;
  /** Where ECS JSON lines are written; default process.stdout, false for none. */
  stdout?: NodeJS.WritableStream | false;
}

/** pino's levels, which fastify speaks; winston takes any set. */
const LEVELS: Record<LogLevel, number> = Object.fromEntries(LOG_LEVELS.map((l, i) => [l, i])) as Record<LogLevel, number>;

/**
 * A winston logger writing ECS JSON (@elastic/ecs-winston-format) to stdout
 * and, when given a shipper, to Elasticsearch. Every document carries
 * `service.name`, `service.version`, `trace.id` and `span.id` of the active
 * OpenTelemetry span (captured when the log call is made, not when the
 * stream gets round to formatting it), and goes through secret redaction
 * before any transport sees it. Request-scoped fields come from `child`,
 * e.g. `logger.child({ 'http.request.id': request.id })`.
 */
export function createLogger(opts: CreateLoggerOptions): NimbusLogger {
  const transports: TransportStream[] = [];
  const stdout = opts.stdout ?? process.stdout;
  if (stdout) transports.push(new winston.transports.Stream({ stream: stdout }));
  if (opts.shipper) transports.push(opts.shipper);

  const logger = winston.createLogger({
    levels: LEVELS,
    level: opts.level ?? 'info',
    format: winston.format.combine(
      ecsFields({ serviceName: opts.serviceName, serviceVersion: opts.serviceVersion, convertReqRes: false, apmIntegration: false }),
      redaction(),
      ecsStringify(),
    ),
    transports,
    silent: transports.length === 0,
    exitOnError: false,
  });
  // A failing transport (stdout closed: EPIPE) re-emits 'error' on the
  // logger, and an unhandled stream 'error' would crash the service.
  logger.on('error', reportTransportError);
  atCallTime(logger);
  return logger as unknown as NimbusLogger;
}

const redaction = winston.format((info) => {
  const record = info as unknown as Record<string, unknown>;
  // ECS `error` is an object; a string there would make Elasticsearch reject
  // every later document of the day that has the object (mapping conflict).
  if (typeof record['error'] === 'string') {
    record['error.message'] = record['error'];
    delete record['error'];
  }
  redactRecord(record);
  return info;
});

const LEVEL = Symbol.for('level');

/**
 * Two things winston does late, done at call time instead, in `write` (which
 * every child goes through, so wrapping the root's covers them all):
 *
 * - the level check: winston formats every record (ECS fields, redaction,
 *   JSON) before its transports drop the ones below their level, so a
 *   disabled `debug` in a hot path would cost a full serialization;
 * - the trace context: formats run in the stream's _transform, deferred
 *   when transports push back, and by then the active span may be another
 *   request's.
 */
function atCallTime(logger: winston.Logger): void {
  const write = logger.write.bind(logger) as (chunk: unknown, ...rest: unknown[]) => boolean;
  logger.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'object' && chunk !== null) {
      const info = chunk as Fields & { [LEVEL]?: unknown };
      const level = info[LEVEL] ?? info['level'];
      if (typeof level === 'string' && !logger.isLevelEnabled(level)) return true;
      if (info['trace.id'] === undefined) {
        const ids = currentTraceIds();
        if (ids) {
          info['trace.id'] = ids.traceId;
          info['span.id'] = ids.spanId;
        }
      }
    }
    return write(chunk, ...rest);
  }) as typeof logger.write;
}

let lastTransportError = 0;
function reportTransportError(err: unknown): void {
  const now = Date.now();
  if (now - lastTransportError < 60_000) return;
  lastTransportError = now;
  try {
    process.stderr.write(`nimbus logger: a log transport failed: ${err instanceof Error ? err.message : String(err)}\n`);
  } catch {
    // stderr gone too: nothing left to tell.
  }
}

/** Lifts a plain `Logger` (e.g. `silentLogger` in tests) to a NimbusLogger, for the fastify adapter. */
export function asNimbusLogger(logger: Logger): NimbusLogger {
  if ('isLevelEnabled' in logger && 'fatal' in logger) return logger as NimbusLogger;
  return {
    debug: (m, f) => logger.debug(m, f),
    info: (m, f) => logger.info(m, f),
    warn: (m, f) => logger.warn(m, f),
    error: (m, f) => logger.error(m, f),
    fatal: (m, f) => logger.error(m, f),
    trace: (m, f) => logger.debug(m, f),
    child: (fields) => asNimbusLogger(logger.child(fields)),
    level: 'info',
    isLevelEnabled: () => true,
  };
}
