import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { HealthRegistry } from './registry.js';

export interface HealthPluginOptions {
  registry: HealthRegistry;
  service: { name: string; version: string };
}

/**
 * /health/live: the process answers (restart me if not).
 * /health/ready: every critical dependency answers (send me traffic); 503
 * with the failing check named otherwise. Consul's check polls this one.
 */
export const healthPlugin = fp(
  async (app: FastifyInstance, opts: HealthPluginOptions) => {
    const { registry, service } = opts;
    const hide = { schema: { hide: true } };

    app.get('/health/live', hide, async function live() {
      return { status: 'UP', service: service.name, version: service.version };
    });

    app.get('/health/ready', hide, async function ready(_request, reply) {
      const report = await registry.report();
      return reply.code(report.status === 'UP' ? 200 : 503).send({ ...report, service: service.name, version: service.version });
    });
  },
  { name: 'nimbus-health', fastify: '5.x' },
);
