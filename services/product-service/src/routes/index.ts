import type { FastifyInstance } from 'fastify';
import { decodeCursor } from '../domain/cursor.js';
import { CURSOR_INVALID, PRICE_RANGE_INVALID } from '../errors.js';
import type { ProductEventRelay } from '../events/relay.js';
import { isAdmin, requireAdmin } from '@nimbus/kit';
import { operatorGuard } from '../http/operator-guard.js';
import type { ProductStore } from '../store/products.js';
import { IdParams, ListQuery, Page, Product, ProductBody, ProductPatchBody } from './schemas.js';

export interface RouteDeps {
  store: ProductStore;
  relay: Pick<ProductEventRelay, 'nudge'>;
  pageSize: { default: number; max: number };
}

/** The catalog API: public reads, admin-only writes. */
export async function registerRoutes(app: FastifyInstance, { store, relay, pageSize }: RouteDeps): Promise<void> {
  await app.register(operatorGuard);

  app.get('/products', { schema: { querystring: ListQuery, response: { 200: Page } } }, async (request) => {
    const q = request.query as ListQuery;
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) throw PRICE_RANGE_INVALID();
    const sort = q.sort ?? 'createdAt';
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, sort);
    if (q.cursor !== undefined && !after) throw CURSOR_INVALID();
    const limit = Math.min(q.limit ?? pageSize.default, pageSize.max);
    return store.list(
      {
        ...(q.category !== undefined && { category: q.category }),
        ...(q.currency !== undefined && { currency: q.currency }),
        ...(q.minPrice !== undefined && { minPrice: q.minPrice }),
        ...(q.maxPrice !== undefined && { maxPrice: q.maxPrice }),
        ...(q.q !== undefined && { q: q.q }),
        ...(after && { after }),
        includeInactive: q.includeInactive === true && isAdmin(request),
        sort,
      },
      limit,
    );
  });

  app.get('/products/:id', { schema: { params: IdParams, response: { 200: Product } } }, async (request) => {
    return store.get((request.params as IdParams).id, isAdmin(request));
  });

  app.post('/products', { preHandler: requireAdmin, schema: { body: ProductBody, response: { 201: Product } } }, async (request, reply) => {
    const body = request.body as ProductBody;
    const product = await store.create({ ...body, description: body.description ?? '' });
    relay.nudge();
    request.log.info({ 'product.id': product.id, 'product.sku': product.sku }, 'product created');
    return reply.code(201).header('location', `/products/${product.id}`).send(product);
  });

  app.patch('/products/:id', { preHandler: requireAdmin, schema: { params: IdParams, body: ProductPatchBody, response: { 200: Product } } }, async (request) => {
    const product = await store.update((request.params as IdParams).id, request.body as ProductPatchBody);
    relay.nudge();
    return product;
  });

  // Products are never hard-deleted: orders keep referring to them. DELETE deactivates.
  app.delete('/products/:id', { preHandler: requireAdmin, schema: { params: IdParams } }, async (request, reply) => {
    await store.update((request.params as IdParams).id, { active: false });
    relay.nudge();
    return reply.code(204).send();
  });
}
