import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../context.js';
import { sha256Hex } from '../crypto/opaque-tokens.js';
import { presentedClient } from '../oauth/client-auth.js';
import { noStore } from './oauth-scope.js';
import { IntrospectionResponse, OAuthErrorBody, routeSchema, TokenParam } from './schemas.js';

const FORM = ['application/x-www-form-urlencoded'];
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
/** Access tokens are JWS compact (three dot-separated parts); refresh tokens are opaque base64url. */
const looksLikeJwt = (token: string) => token.split('.').length === 3;

/** RFC 7662 introspection and RFC 7009 revocation. */
export async function introspectRevokeRoutes(app: FastifyInstance, s: AuthServices): Promise<void> {
  app.post<{ Body: TokenParam }>(
    '/oauth2/introspect',
    {
      schema: routeSchema({
        tags: ['oauth2'],
        summary: 'Token introspection (RFC 7662); confidential clients only',
        consumes: FORM,
        body: TokenParam,
        response: { 200: IntrospectionResponse, '4xx': OAuthErrorBody },
      }),
    },
    async function introspect(request, reply): Promise<IntrospectionResponse> {
      noStore(reply);
      const client = await s.clientAuth.authenticate(presentedClient(request.headers.authorization, request.body), { allowPublic: false });
      const { token } = request.body;
      if (looksLikeJwt(token)) {
        const result = await s.verifier.verify(token);
        if (!result.ok) return { active: false };
        const c = result.claims;
        return { active: true, token_type: 'Bearer', scope: c.scope, client_id: c.client_id, sub: c.sub, aud: c.aud, iss: c.iss, exp: c.exp, iat: c.iat, jti: c.jti, roles: c.roles };
      }
      const view = await s.refreshTokens.view(sha256Hex(token), new Date());
      // A refresh token is only described to the client it was issued to.
      if (!view || !view.active || view.family.clientId !== client.id) return { active: false };
      return { active: true, token_type: 'refresh_token', scope: view.family.scope, client_id: view.family.clientId, sub: view.family.userId, exp: seconds(view.expiresAt) };
    },
  );

  app.post<{ Body: TokenParam }>(
    '/oauth2/revoke',
    {
      schema: routeSchema({
        tags: ['oauth2'],
        summary: 'Token revocation (RFC 7009); a refresh token ends its whole session',
        consumes: FORM,
        body: TokenParam,
        response: { '4xx': OAuthErrorBody },
      }),
    },
    async function revoke(request, reply) {
      noStore(reply);
      const client = await s.clientAuth.authenticate(presentedClient(request.headers.authorization, request.body), { allowPublic: true });
      const { token } = request.body;
      const now = new Date();
      if (looksLikeJwt(token)) {
        const result = await s.verifier.verify(token, now);
        if (result.ok && result.claims.client_id === client.id) await s.revocations.revoke(result.claims.jti, new Date(result.claims.exp * 1000));
      } else {
        await s.refreshTokens.revokeByToken(sha256Hex(token), (family) => family.clientId === client.id, 'revocation', now);
      }
      // RFC 7009 §2.2: 200 whether or not there was anything to revoke.
      return reply.code(200).send();
    },
  );
}
