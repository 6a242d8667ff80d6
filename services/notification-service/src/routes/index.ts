import type { FastifyInstance } from 'fastify';

/** Registers this service's API routes. */
export async function registerRoutes(_app: FastifyInstance): Promise<void> {}
