import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { currentTraceIds, type TraceIds } from '../telemetry/trace-ids.js';
import type { Logger } from './logger.js';
import { DEFAULT_UNTRACED_PATHS } from '../telemetry/settings.js';

export interface AccessLogOptions {
  logger: Logger;
  /** Paths not logged (exact, query ignored); default the health probes and /metrics. */
  ignorePaths?: readonly string[];
}

const kTrace = Symbol('nimbus.accessLog.trace');
type TracedRequest = FastifyRequest & { [kTrace]?: TraceIds };

/** Route pattern of a request, or 'unmatched' when no route matched (a 404 from the not-found handler). */
export function routeOf(request: FastifyRequest): string {
  return request.is404 || !request.routeOptions.url ? 'unmatched' : request.routeOptions.url;
}

/**
 * One ECS line per request, written when the response is finished:
 * `GET /orders/:id 200`, with `http.request.method`, `http.route` (the
 * pattern, so Kibana can aggregate), `url.path`, `http.response.status_code`,
 * `event.duration` (ns), `http.request.id`, and the trace id of the request,
 * captured at onRequest so it is the request's own trace even if the
 * response finishes in another async context.
 *
 * Use it with `disableRequestLogging: true`, or fastify's own "incoming
 * request" / "request completed" lines are written too.
 */
const accessLog: FastifyPluginAsync<AccessLogOptions> = async (app, opts) => {
  if (typeof opts?.logger?.info !== 'function') throw new TypeError('accessLogPlugin: option `logger` (the kit Logger) is required');
  const ignored = new Set(opts.ignorePaths ?? DEFAULT_UNTRACED_PATHS);
  const logger = opts.logger.child({ 'log.logger': 'access' });

  app.addHook('onRequest', function captureTraceForAccessLog(request, _reply, done) {
    const ids = currentTraceIds();
    if (ids) (request as TracedRequest)[kTrace] = ids;
    done();
  });

  app.addHook('onResponse', function writeAccessLog(request, reply, done) {
    const path = pathOf(request.url);
    if (!ignored.has(path)) logger.info(lineOf(request, reply, path), fieldsOf(request as TracedRequest, reply, path));
    done();
  });
};

function lineOf(request: FastifyRequest, reply: FastifyReply, path: string): string {
  const route = routeOf(request);
  return `${request.method} ${route === 'unmatched' ? path : route} ${reply.statusCode}`;
}

function fieldsOf(request: TracedRequest, reply: FastifyReply, path: string): Record<string, unknown> {
  const status = reply.statusCode;
  const fields: Record<string, unknown> = {
    'event.kind': 'event',
    'event.category': ['web'],
    'event.type': ['access'],
    'event.outcome': status >= 500 ? 'failure' : 'success',
    'event.duration': Math.round(reply.elapsedTime * 1e6),
    'http.request.method': request.method,
    'http.route': routeOf(request),
    'http.response.status_code': status,
    'http.request.id': request.id,
    'url.path': path,
    'client.ip': request.ip,
  };
  const q = request.url.indexOf('?');
  if (q !== -1) fields['url.query'] = request.url.slice(q + 1);
  const agent = request.headers['user-agent'];
  if (agent) fields['user_agent.original'] = agent;
  const length = Number(reply.getHeader('content-length'));
  if (Number.isFinite(length) && length >= 0) fields['http.response.body.bytes'] = length;
  const ids = request[kTrace];
  if (ids) {
    fields['trace.id'] = ids.traceId;
    fields['span.id'] = ids.spanId;
  }
  return fields;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export const accessLogPlugin = fp(accessLog, { name: '@nimbus/kit/access-log', fastify: '5.x' });
