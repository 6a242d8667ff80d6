import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthServices } from '../context.js';
import { OAuthError } from '../oauth/oauth-error.js';
import { bearerToken } from './bearer.js';
import { noStore } from './oauth-scope.js';
import { OAuthErrorBody, routeSchema, UserInfo } from './schemas.js';

const challenge = (error?: string, extra = '') => `Bearer realm="nimbus"${error ? `, error="${error}"` : ''}${extra}`;

/** OpenID Connect UserInfo (Core §5.3); errors per RFC 6750 §3. */
export async function userinfoRoutes(app: FastifyInstance, s: AuthServices): Promise<void> {
  async function userinfo(request: FastifyRequest, reply: FastifyReply) {
    noStore(reply);
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new OAuthError('invalid_token', 'a bearer access token is required', { headers: { 'www-authenticate': challenge() } });
    const result = await s.verifier.verify(token);
    if (!result.ok) throw new OAuthError('invalid_token', 'the access token is invalid, expired or revoked', { headers: { 'www-authenticate': challenge('invalid_token') } });
    const scopes = result.claims.scope.split(' ');
    if (!scopes.includes('openid')) {
      throw new OAuthError('insufficient_scope', 'the openid scope is required', { headers: { 'www-authenticate': challenge('insufficient_scope', ', scope="openid"') } });
    }
    const user = await s.users.findById(result.claims.sub);
    if (!user || user.status !== 'active') throw new OAuthError('invalid_token', 'the token does not identify an active user', { headers: { 'www-authenticate': challenge('invalid_token') } });
    return { sub: user.id, roles: user.roles, ...(scopes.includes('email') && { email: user.email, email_verified: false }) };
  }
  const doc = {
    tags: ['oidc'],
    summary: 'UserInfo (OpenID Connect Core §5.3); needs an access token with the openid scope',
    security: [{ bearerAuth: [] }],
    response: { 200: UserInfo, '4xx': OAuthErrorBody },
  };
  app.get('/userinfo', { schema: routeSchema(doc) }, userinfo);
  app.post('/userinfo', { schema: routeSchema({ ...doc, hide: true }) }, userinfo);
}
