import { isProblemError, type Logger } from '@nimbus/kit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseForm } from '../oauth/form-body.js';
import { isOAuthError, OAuthError } from '../oauth/oauth-error.js';

const FORM = 'application/x-www-form-urlencoded';

/** RFC 6749 §5.1: responses carrying tokens or credentials must not be cached. */
export function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** Maps anything thrown inside the OAuth endpoints to an RFC 6749 error. */
function toOAuthError(err: FastifyError | Error): OAuthError {
  if (isOAuthError(err)) return err;
  if (isProblemError(err)) {
    if (err.status === 503) return new OAuthError('temporarily_unavailable', err.title);
    if (err.status < 500) return new OAuthError('invalid_request', err.detail ?? err.title);
    return new OAuthError('server_error', 'internal error', { cause: err });
  }
  const fe = err as FastifyError;
  if (fe.validation) return new OAuthError('invalid_request', fe.validation.map((v) => `${v.instancePath || 'body'} ${v.message ?? 'is invalid'}`).join('; '));
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new OAuthError('invalid_request', `the body must be ${FORM}`);
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) return new OAuthError('invalid_request', 'the request could not be parsed');
  return new OAuthError('server_error', 'internal error', { cause: err });
}

/**
 * The encapsulated context of the OAuth endpoints: form bodies only, and
 * errors in the RFC 6749 JSON shape (with no-store and any WWW-Authenticate
 * challenge) instead of problem+json.
 */
export function oauthScope(app: FastifyInstance, logger: Logger): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FORM, { parseAs: 'string' }, function parseOAuthForm(_request, body, done) {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.setErrorHandler(function onOAuthError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const oauth = toOAuthError(err);
    if (oauth.status >= 500) {
      logger.error('oauth endpoint failed', { 'error.message': err.message, 'error.stack_trace': err.stack, 'http.request.id': request.id, 'url.path': request.url.split('?')[0] });
    }
    noStore(reply);
    for (const [k, v] of Object.entries(oauth.headers)) void reply.header(k, v);
    return reply.code(oauth.status).type('application/json').send(oauth.toJSON());
  });
}
