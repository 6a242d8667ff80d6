import { Type } from '@sinclair/typebox';
import { buildService, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { registerRoutes } from './routes/index.js';

/** Settings of auth-server beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({});

export const service: ServiceDefinition<typeof Settings> = {
  name: 'auth-server',
  version: '0.1.0',
  description: 'Users and OAuth2 clients; issues short-lived asymmetric-signed JWTs, JWKS and OIDC discovery.',
  settings: Settings,
  defaults: { 'server.port': 9000 },
  routes: registerRoutes,
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
