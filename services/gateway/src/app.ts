import { Type } from '@sinclair/typebox';
import { buildService, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { registerRoutes } from './routes/index.js';

/** Settings of gateway beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({});

export const service: ServiceDefinition<typeof Settings> = {
  name: 'gateway',
  version: '0.1.0',
  description: 'The one public entry: JWT verification, discovery-based routing, rate limits, circuit breakers.',
  settings: Settings,
  defaults: { 'server.port': 8080 },
  routes: registerRoutes,
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
