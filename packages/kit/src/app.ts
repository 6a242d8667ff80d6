import Fastify, { type FastifyInstance } from 'fastify';

export interface ServiceAppOptions {
  /** Service name as registered in discovery and shown in logs and traces. */
  name: string;
  version: string;
  /** Set false in tests that assert on output. */
  logger?: boolean;
}

/**
 * The base every service app is built on. Issue 3 grows this into the full
 * ServiceDefaults (config, discovery, telemetry, errors); today it gives each
 * service the same health endpoints so the platform can start and probe it.
 */
export function createServiceApp(opts: ServiceAppOptions): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false });
  app.get('/health/live', async () => ({ status: 'UP' }));
  app.get('/health/ready', async () => ({ status: 'UP', service: opts.name, version: opts.version }));
  return app;
}
