import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AuthServices } from '../context.js';
import { routeSchema } from './schemas.js';

/**
 * OpenID Connect Discovery 1.0 and RFC 8414 metadata, and the JWKS. Only
 * what this server implements is advertised: there is no authorization
 * endpoint (no authorization_code flow yet), so no response types.
 */
export async function discoveryRoutes(app: FastifyInstance, s: AuthServices): Promise<void> {
  const { auth } = s.settings;
  // Verifier caches must refresh well within the pre-publication window.
  const jwksMaxAge = Math.max(1, Math.min(300, Math.floor(Math.min(auth.signing.prePublishSeconds, auth.signing.keyLifetimeSeconds / 2) / 2)));

  function metadata() {
    const issuer = s.issuerUrl.get();
    const userScopes = ['openid', 'profile', 'email'];
    const scopes = [...new Set([...userScopes, ...s.clientScopes])];
    return {
      issuer,
      token_endpoint: `${issuer}/oauth2/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      userinfo_endpoint: `${issuer}/userinfo`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
      response_types_supported: [],
      scopes_supported: scopes,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...new Set([auth.signing.algorithm, ...s.ring.algorithms()])],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'azp', 'email', 'email_verified', 'roles'],
    };
  }

  async function serveMetadata(_request: unknown, reply: FastifyReply) {
    void reply.header('cache-control', 'public, max-age=300');
    return metadata();
  }
  const hidden = { schema: routeSchema({ hide: true }) };
  app.get('/.well-known/openid-configuration', hidden, serveMetadata);
  app.get('/.well-known/oauth-authorization-server', hidden, serveMetadata);

  async function jwks(_request: unknown, reply: FastifyReply) {
    void reply.header('cache-control', `public, max-age=${jwksMaxAge}`).type('application/jwk-set+json');
    return s.ring.jwks();
  }
  app.get('/.well-known/jwks.json', hidden, jwks);
  // Spring Authorization Server's path, for clients configured against it.
  app.get('/oauth2/jwks', hidden, jwks);
}
