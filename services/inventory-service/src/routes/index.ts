import type { FastifyInstance } from 'fastify';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { normaliseItems } from '../domain/reservation.js';
import { ORDER_ITEMS_INVALID, OUT_OF_STOCK, RESERVATION_NOT_FOUND, STOCK_BUSY, STOCK_NOT_FOUND } from '../errors.js';
import { inTransaction, isLockConflict, requireAdmin, requireRoleOrScope } from '@nimbus/kit';

/** Callers of the internal reservation API: the order service (scope inventory:write) or an admin. */
const requireInventoryWriter = requireRoleOrScope('admin', 'inventory:write');
import type { InventoryStore } from '../store/inventory.js';
import { OrderParams, ProductParams, Reservation, ReserveBody, Stock, StockBody } from './schemas.js';

export interface RouteDeps {
  pool: Pool;
  store: InventoryStore;
  relay: { nudge(): void };
  ttlMs: number;
  maxItems: number;
  deadlockRetries: number;
}

/** Inventory API: public availability, admin stock, internal reservations. */
export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { pool, store, relay } = deps;

  /** A transaction retried on deadlock or lock wait timeout; the relay is nudged after commit. */
  async function write<T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await inTransaction(pool, fn);
        relay.nudge();
        return result;
      } catch (err) {
        if (!isLockConflict(err)) throw err;
        if (attempt >= deps.deadlockRetries) throw STOCK_BUSY({ cause: err });
      }
    }
  }

  app.get('/inventory/:productId', { schema: { params: ProductParams, response: { 200: Stock } } }, async (request) => {
    const { productId } = request.params as ProductParams;
    const stock = await store.getStock(pool, productId);
    if (!stock) throw STOCK_NOT_FOUND(`no stock for product ${productId}`);
    return stock;
  });

  app.put('/inventory/:productId', { preHandler: requireAdmin, schema: { params: ProductParams, body: StockBody, response: { 200: Stock } } }, async (request) => {
    const { productId } = request.params as ProductParams;
    await write((conn) => store.setStock(conn, productId, (request.body as StockBody).available, new Date()));
    request.log.info({ 'product.id': productId }, 'stock set');
    return store.getStock(pool, productId);
  });

  app.post('/reservations', { preHandler: requireInventoryWriter, schema: { body: ReserveBody, response: { 200: Reservation, 201: Reservation } } }, async (request, reply) => {
    const body = request.body as ReserveBody;
    const checked = normaliseItems(body.items, deps.maxItems);
    if (!checked.ok) throw ORDER_ITEMS_INVALID(checked.problem);
    const outcome = await write((conn) => store.reserve(conn, body.orderId, checked.items, new Date(), deps.ttlMs));
    switch (outcome.kind) {
      case 'reserved':
        return reply.code(201).send(outcome.reservation);
      case 'existing':
        return reply.code(200).send(outcome.reservation);
      case 'rejected':
        throw OUT_OF_STOCK({ detail: `order ${outcome.orderId}: ${outcome.items.map((i) => `${i.productId} ${i.reason}`).join(', ')}`, extensions: { items: outcome.items } });
    }
  });

  app.get('/reservations/:orderId', { preHandler: requireInventoryWriter, schema: { params: OrderParams, response: { 200: Reservation } } }, async (request) => {
    const { orderId } = request.params as OrderParams;
    const reservation = await store.getReservation(pool, orderId);
    if (!reservation) throw RESERVATION_NOT_FOUND(`no reservation for order ${orderId}`);
    return reservation;
  });

  app.post('/reservations/:orderId/release', { preHandler: requireInventoryWriter, schema: { params: OrderParams, response: { 200: Reservation } } }, async (request) => {
    const { orderId } = request.params as OrderParams;
    return write((conn) => store.finish(conn, orderId, 'release', new Date()));
  });

  app.post('/reservations/:orderId/confirm', { preHandler: requireInventoryWriter, schema: { params: OrderParams, response: { 200: Reservation } } }, async (request) => {
    const { orderId } = request.params as OrderParams;
    return write((conn) => store.finish(conn, orderId, 'confirm', new Date()));
  });

  app.post('/reservations/:orderId/commit', { preHandler: requireInventoryWriter, schema: { params: OrderParams, response: { 200: Reservation } } }, async (request) => {
    const { orderId } = request.params as OrderParams;
    return write((conn) => store.finish(conn, orderId, 'commit', new Date()));
  });
}
