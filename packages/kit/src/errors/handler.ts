import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { silentLogger, type Logger } from '../logging/logger.js';
import * as problems from './catalogue.js';
import { isProblemError, type ProblemError } from './problem.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Fastify's own errors mapped to our stable codes. */
function fromFastify(err: FastifyError): ProblemError {
  if (err.validation) {
    const errors = err.validation.map((v) => ({
      in: err.validationContext ?? 'body',
      path: v.instancePath || '/',
      message: v.message ?? 'is invalid',
    }));
    return problems.VALIDATION_FAILED({ detail: errors.map((e) => `${e.in}${e.path} ${e.message}`).join('; '), extensions: { errors } });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.PAYLOAD_TOO_LARGE();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problems.UNSUPPORTED_MEDIA_TYPE();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problems.VALIDATION_FAILED(err.message);
  }
  // Body parse errors (malformed JSON) carry a 400 statusCode.
  if (err.statusCode === 400) return problems.VALIDATION_FAILED('the request body could not be parsed');
  if (err.statusCode === 429) return problems.RATE_LIMITED();
  return problems.INTERNAL({ cause: err });
}

export function sendProblem(reply: FastifyReply, problem: ProblemError, instance?: string): FastifyReply {
  for (const [k, v] of Object.entries(problem.headers)) void reply.header(k, v);
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem.toProblem(instance));
}

export interface ProblemHandlerOptions {
  logger?: Logger;
}

/**
 * Every error leaves as RFC 9457 problem+json with a stable `code`. Unknown
 * errors become INTERNAL without their message (it may hold internals or
 * secrets); the full error is logged instead.
 */
export const problemHandler = fp(
  async (app: FastifyInstance, opts: ProblemHandlerOptions) => {
    const logger = opts.logger ?? silentLogger;

    app.setErrorHandler(function onError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      const problem = isProblemError(err) ? err : fromFastify(err);
      if (problem.status >= 500) {
        logger.error(problem.code === 'INTERNAL' ? 'unhandled error' : problem.message, {
          'error.code': problem.code,
          'error.message': err.message,
          'error.stack_trace': err.stack,
          'http.request.id': request.id,
        });
      }
      return sendProblem(reply, problem, request.url);
    });

    app.setNotFoundHandler(function onNotFound(request: FastifyRequest, reply: FastifyReply) {
      return sendProblem(reply, problems.NOT_FOUND(`no route for ${request.method} ${request.url.split('?')[0]}`), request.url);
    });
  },
  { name: 'nimbus-problem-handler', fastify: '5.x' },
);
