import { Type } from '@sinclair/typebox';
import { buildService, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { registerRoutes } from './routes/index.js';

/** Settings of config-server beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({});

export const service: ServiceDefinition<typeof Settings> = {
  name: 'config-server',
  version: '0.1.0',
  description: 'Spring Cloud Config compatible server backed by git, with secrets from Vault.',
  settings: Settings,
  defaults: { 'server.port': 8888 },
  routes: registerRoutes,
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
