import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../context.js';
import { isGrantType } from '../domain/clients.js';
import { grantScopes } from '../domain/scopes.js';
import { presentedClient } from '../oauth/client-auth.js';
import { OAuthError } from '../oauth/oauth-error.js';
import { noStore } from './oauth-scope.js';
import { OAuthErrorBody, routeSchema, TokenRequest, TokenResponse } from './schemas.js';

const FORM = ['application/x-www-form-urlencoded'];

const required = (value: string | undefined, name: string): string => {
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required`);
  return value;
};

/** POST /oauth2/token (RFC 6749 §3.2): password, refresh_token and client_credentials grants. */
export async function tokenRoutes(app: FastifyInstance, s: AuthServices): Promise<void> {
  app.post<{ Body: TokenRequest }>(
    '/oauth2/token',
    {
      schema: routeSchema({
        tags: ['oauth2'],
        summary: 'Token endpoint (RFC 6749)',
        description: 'Client authentication: client_secret_basic, client_secret_post, or client_id alone for public clients.',
        consumes: FORM,
        body: TokenRequest,
        response: { 200: TokenResponse, '4xx': OAuthErrorBody },
      }),
    },
    async function token(request, reply) {
      noStore(reply);
      const body = request.body;
      const grant = body.grant_type;
      const presented = presentedClient(request.headers.authorization, body);
      const client = await s.clientAuth.authenticate(presented, { allowPublic: grant !== 'client_credentials' });
      if (!isGrantType(grant)) throw new OAuthError('unsupported_grant_type', `grant_type ${grant.slice(0, 40)} is not supported`);
      if (!client.grants.includes(grant)) throw new OAuthError('unauthorized_client', `the client may not use the ${grant} grant`);

      switch (grant) {
        case 'client_credentials': {
          const scopes = grantScopes(body.scope, client.scopes);
          if (!scopes.ok) throw new OAuthError('invalid_scope', scopes.reason);
          return s.tokens.forClient(client, scopes.scopes);
        }
        case 'password': {
          const username = required(body.username, 'username');
          const password = required(body.password, 'password');
          const scopes = grantScopes(body.scope, client.scopes);
          if (!scopes.ok) throw new OAuthError('invalid_scope', scopes.reason);
          const result = await s.accounts.authenticate(username, password);
          switch (result.kind) {
            case 'ok':
              return s.tokens.forUser(result.user, client, scopes.scopes);
            case 'locked':
              throw new OAuthError('invalid_grant', 'the account is temporarily locked after repeated failed logins', { headers: { 'retry-after': String(result.retryAfterSeconds) } });
            case 'disabled':
              throw new OAuthError('invalid_grant', 'the account is disabled');
            case 'invalid':
              throw new OAuthError('invalid_grant', 'invalid username or password');
          }
          break;
        }
        case 'refresh_token':
          return s.tokens.refresh(required(body.refresh_token, 'refresh_token'), client, body.scope);
      }
      throw new OAuthError('unsupported_grant_type', 'unsupported grant_type');
    },
  );
}
