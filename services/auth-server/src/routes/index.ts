import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../context.js';
import { apiAuthRoutes } from './api-auth.js';
import { apiUserRoutes } from './api-users.js';
import { discoveryRoutes } from './discovery.js';
import { introspectRevokeRoutes } from './oauth-introspect-revoke.js';
import { oauthScope } from './oauth-scope.js';
import { tokenRoutes } from './oauth-token.js';
import { userinfoRoutes } from './userinfo.js';

/** Registers this service's routes: OAuth endpoints in their own context (form bodies, RFC 6749 errors), the rest with problem+json. */
export async function registerRoutes(app: FastifyInstance, s: AuthServices): Promise<void> {
  await app.register(async function oauthEndpoints(scope) {
    oauthScope(scope, s.logger);
    await tokenRoutes(scope, s);
    await introspectRevokeRoutes(scope, s);
    await userinfoRoutes(scope, s);
  });
  await discoveryRoutes(app, s);
  await apiAuthRoutes(app, s);
  await apiUserRoutes(app, s);
  app.addHook('onListen', async function resolveIssuer() {
    s.issuerUrl.resolve(app.server.address());
  });
}
