import { Type } from '@sinclair/typebox';
import { buildService, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { registerRoutes } from './routes/index.js';

/** Settings of product-service beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({});

export const service: ServiceDefinition<typeof Settings> = {
  name: 'product-service',
  version: '0.1.0',
  description: 'Product catalog on MongoDB.',
  settings: Settings,
  defaults: { 'server.port': 8081 },
  routes: registerRoutes,
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
