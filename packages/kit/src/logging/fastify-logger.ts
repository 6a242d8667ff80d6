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
  const state = { level };
  const enabled = (method: LogLevel) => state.level !== 'silent' && (SEVERITY.get(method) ?? 0) <= (SEVERITY.get(state.level) ?? SEVERITY.get('info') ?? 3);
  const at = (method: LogLevel) =>
    function log(...args: unknown[]): void {
      if (!enabled(method)) return;
      const [message, fields] = pinoArgs(args);
      logger[method](message, fields);
    };
  const adapter: FastifyBaseLogger = {
    get level() {
      return state.level;
    },
    set level(value: string) {
      state.level = value;
    },
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: () => {},
    child(bindings, options) {
      return toFastifyLogger(logger.child(ecsFields(bindings as Fields)), options?.level ?? state.level);
    },
  };
  return adapter;
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
