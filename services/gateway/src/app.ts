import { buildService, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { registerRoutes } from './routes/index.js';
import { Settings } from './settings.js';
import { setup, type GatewayDeps } from './setup.js';

export { Settings } from './settings.js';

export const service: ServiceDefinition<typeof Settings, GatewayDeps> = {
  name: 'gateway',
  // /openapi.json is the aggregated public API (docs/routes.ts), not the gateway's own, empty, document.
  openApi: { route: false },
  version: '0.1.0',
  description: 'The one public entry: JWT verification, discovery-based routing, rate limits, circuit breakers.',
  settings: Settings,
  defaults: { 'server.port': 8080 },
  setup,
  routes: registerRoutes,
};

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(service, opts);
