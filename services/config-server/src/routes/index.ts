import type { FastifyInstance } from 'fastify';
import type { Parts } from '../parts.js';
import { authHook } from '../security/auth.js';
import { adminRoutes } from './admin.js';
import { cryptoRoutes } from './crypto.js';
import { environmentRoutes } from './environment.js';
import { monitorRoutes } from './monitor.js';

/** Registers this service's API routes, all behind credentials but /health/*. */
export async function registerRoutes(app: FastifyInstance, parts: Parts): Promise<void> {
  app.addHook('onRequest', authHook(parts.auth));
  await adminRoutes(app, parts.repo, parts.sync);
  await cryptoRoutes(app, parts.transit);
  await monitorRoutes(app, { sync: parts.sync, repo: parts.repo, auth: parts.auth, webhookSecret: parts.webhookSecret, waitMs: parts.monitorWaitMs });
  await environmentRoutes(app, parts.reader);
}
