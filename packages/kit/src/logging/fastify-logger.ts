import { format } from 'node:util';
import type { FastifyBaseLogger } from 'fastify';
import type { NimbusLogger } from './create-logger.js';
import { LOG_LEVELS, type LogLevel } from './settings.js';

type Fields = Record<string, unknown>;
const SEVERITY = new Map<string, number>(LOG_LEVELS.map((l, i) => [l, i]));

/**
 * Lets fastify log through the kit's winston logger:
 * `Fastify({ loggerInstance: toFastifyLogger(logger) })`.
 *
 * fastify speaks pino: `log.info(obj?, msg?, ...args)`, `child(bindings,
 * { level })`. This maps it onto winston's `log.info(message, fields)` and
 * turns what fastify puts in `obj` into ECS fields: `reqId` →
 * `http.request.id`, `req` → method, path, client and user agent, `res` →
 * status code, `responseTime` (ms) → `event.duration` (ns), `err` → ECS
 * `error.*`. So fastify's own lines ("incoming request", "request
 * errored"…) land in the same ECS pipeline with the request id and trace id.
 *
 * A child may be stricter than the logger it came from (route `logLevel`),
 * never more verbose: the winston logger's own level still applies.
 */
export function toFastifyLogger(logger: NimbusLogger, level: string = logger.level): FastifyBaseLogger {
  return new FastifyLoggerAdapter(logger, undefined, level);
}

/**
 * fastify makes a child logger for every request (`child({ reqId })`), most
 * of which never write a line: a child is one small object here, and its
 * winston child is only made when it first writes.
 */
class FastifyLoggerAdapter implements FastifyBaseLogger {
  level: string;
  #logger: NimbusLogger | undefined;
  readonly #parent: FastifyLoggerAdapter | undefined;
  readonly #bindings: Fields | undefined;

  constructor(logger: NimbusLogger | undefined, parent: { adapter: FastifyLoggerAdapter; bindings: Fields } | undefined, level: string) {
    this.#logger = logger;
    this.#parent = parent?.adapter;
    this.#bindings = parent?.bindings;
    this.level = level;
  }

  #target(): NimbusLogger {
    this.#logger ??= (this.#parent as FastifyLoggerAdapter).#target().child(this.#bindings ?? {});
    return this.#logger;
  }

  #log(method: LogLevel, args: unknown[]): void {
    if (this.level === 'silent' || (SEVERITY.get(method) ?? 0) > (SEVERITY.get(this.level) ?? SEVERITY.get('info') ?? 3)) return;
    const [message, fields] = pinoArgs(args);
    this.#target()[method](message, fields);
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#log('error', args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }
  info(...args: unknown[]): void {
    this.#log('info', args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }
  silent(): void {}

  child(bindings: Fields, options?: { level?: string }): FastifyBaseLogger {
    return new FastifyLoggerAdapter(undefined, { adapter: this, bindings: ecsFields(bindings) }, options?.level ?? this.level);
  }
}

/** pino's call forms → a message and ECS fields. */
function pinoArgs(args: unknown[]): [string, Fields] {
  const [first, ...rest] = args;
  if (first instanceof Error) return [rest.length > 0 ? format(...rest) : first.message, { err: first }];
  if (typeof first === 'object' && first !== null) {
    const { msg, ...fields } = first as Fields;
    const message = rest.length > 0 ? format(...rest) : typeof msg === 'string' ? msg : '';
    return [message, ecsFields(fields)];
  }
  return [format(first, ...rest), {}];
}

/** fastify's (and pino's) conventional keys → ECS. Anything else passes through. */
function ecsFields(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    switch (key) {
      case 'reqId':
        out['http.request.id'] = value;
        break;
      case 'req':
        Object.assign(out, requestFields(value));
        break;
      case 'res':
        if (typeof value === 'object' && value !== null && 'statusCode' in value) out['http.response.status_code'] = value.statusCode;
        break;
      case 'responseTime':
        if (typeof value === 'number') out['event.duration'] = Math.round(value * 1e6);
        break;
      case 'err':
      case 'error':
        // ecs-winston-format turns an `err` Error into error.type/message/stack_trace.
        // A string `error` would clash with ECS's `error` object in the index mapping.
        if (value instanceof Error) out['err'] = value;
        else if (typeof value === 'string') out['error.message'] = value;
        else out[key] = value;
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

interface RequestLike {
  method?: string;
  url?: string;
  ip?: string;
  headers?: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
  routeOptions?: { url?: string };
}

/** A FastifyRequest or IncomingMessage, never serialized whole (it is large and circular). */
function requestFields(value: unknown): Fields {
  if (typeof value !== 'object' || value === null) return {};
  const req = value as RequestLike;
  const out: Fields = {};
  if (req.method) out['http.request.method'] = req.method;
  if (req.url) {
    const q = req.url.indexOf('?');
    out['url.path'] = q === -1 ? req.url : req.url.slice(0, q);
    if (q !== -1) out['url.query'] = req.url.slice(q + 1);
  }
  if (req.routeOptions?.url) out['http.route'] = req.routeOptions.url;
  const ip = req.ip ?? req.socket?.remoteAddress;
  if (ip) out['client.ip'] = ip;
  const agent = req.headers?.['user-agent'];
  if (typeof agent === 'string') out['user_agent.original'] = agent;
  return out;
}
