import { buildService, type BuildOptions, type ServiceDefinition } from '@nimbus/kit';
import { openParts, type Parts, type PartsOptions } from './parts.js';
import { registerRoutes } from './routes/index.js';
import { BOOTSTRAP_ENV, Settings } from './settings.js';

export { Settings };

/** The config server; `verifyBearer` plugs in the auth server's token check when it exists. */
export function createService(opts: PartsOptions = {}): ServiceDefinition<typeof Settings> {
  let parts: Parts | undefined;
  return {
    name: 'config-server',
    version: '0.1.0',
    description: 'Spring Cloud Config compatible server backed by git, with secrets from Vault.',
    settings: Settings,
    // It is the config server: it reads its own settings from env, files and Vault.
    defaults: { 'server.port': 8888, 'config.server.enabled': false },
    bootstrapEnv: BOOTSTRAP_ENV,
    async setup(ctx) {
      parts = await openParts(ctx, opts);
    },
    async routes(app) {
      if (!parts) throw new Error('config-server routes registered before setup');
      await registerRoutes(app, parts);
    },
  };
}

export const service = createService();

/** Builds the app without listening, so tests can inject requests. */
export const buildApp = (opts?: BuildOptions, parts?: PartsOptions) => buildService(createService(parts), opts);
