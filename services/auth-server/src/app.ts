import { buildService, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { openAuthServices, type AuthServices } from './context.js';
import { registerRoutes } from './routes/index.js';
import { Settings } from './settings.js';

export { Settings } from './settings.js';

/** A fresh definition per app: each holds its own stores and keys (tests run several at once). */
export function createService(): ServiceDefinition<typeof Settings> {
  let services: AuthServices | undefined;
  return {
    name: 'auth-server',
    version: '0.1.0',
    description: 'Users and OAuth2 clients; issues short-lived asymmetric-signed JWTs, JWKS and OIDC discovery.',
    settings: Settings,
    defaults: { 'server.port': 9000 },
    bootstrapEnv: { MYSQL_URL: 'mysql.url' },
    async setup(ctx) {
      services = await openAuthServices(ctx);
    },
    async routes(app) {
      if (!services) throw new Error('auth-server routes registered before setup');
      await registerRoutes(app, services);
    },
  };
}

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions) => buildService(createService(), opts);
