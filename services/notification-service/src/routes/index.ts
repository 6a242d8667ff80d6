import { requireAdmin } from '@nimbus/kit';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'mysql2/promise';
import type { NotificationStore } from '../store/notifications.js';

export interface RouteDeps {
  pool: Pool;
  store: NotificationStore;
}

const Query = Type.Object({ orderId: Type.String({ minLength: 1, maxLength: 64, description: 'Order whose notifications to list' }) }, { additionalProperties: false });
type Query = Static<typeof Query>;

const Notification = Type.Object({
  eventId: Type.String(),
  eventType: Type.String(),
  orderId: Type.String(),
  recipient: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('sent'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  messageId: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

/** Support API: what was sent (or given up on) for an order. */
export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.get('/notifications', { preHandler: requireAdmin, schema: { querystring: Query, response: { 200: Type.Object({ items: Type.Array(Notification) }) } } }, async (request) => {
    return { items: await deps.store.byOrder(deps.pool, (request.query as Query).orderId) };
  });
}
