import { createServiceApp } from '@nimbus/kit';
import type { FastifyInstance } from 'fastify';
import { registerRoutes } from './routes/index.js';

export const SERVICE_NAME = 'gateway';
export const DEFAULT_PORT = 8080;

export interface AppOptions {
  logger?: boolean;
}

/** Builds the app without listening, so tests can inject requests. */
export async function buildApp(opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = createServiceApp({ name: SERVICE_NAME, version: '0.1.0', logger: opts.logger ?? false });
  await registerRoutes(app);
  return app;
}
