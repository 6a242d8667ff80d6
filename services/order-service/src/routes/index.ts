import { createHash, randomUUID } from 'node:crypto';
import { FORBIDDEN, UNAUTHENTICATED, identityOf, inTransaction, requireAdmin, type Identity } from '@nimbus/kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'mysql2/promise';
import type { AvailabilityLookup } from '../clients/inventory.js';
import type { PriceLookup } from '../clients/products.js';
import { OUT_OF_STOCK, normaliseItems } from '../domain/order.js';
import { IDEMPOTENCY_KEY_REQUIRED, IDEMPOTENCY_KEY_REUSED, ORDER_ITEMS_INVALID, ORDER_NOT_CANCELLABLE, ORDER_NOT_COMPLETABLE, ORDER_NOT_FOUND } from '../errors.js';
import type { Order as StoredOrder, OrderStore } from '../store/orders.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { CreateOrderBody, CreateOrderHeaders, ListQuery, Order, OrderPage, OrderParams } from './schemas.js';

export interface RouteDeps {
  pool: Pool;
  store: OrderStore;
  prices: PriceLookup;
  availability: AvailabilityLookup;
  relay: { nudge(): void };
  maxItems: number;
  maxQuantity: number;
  pageSize: { default: number; max: number };
}

function customer(request: FastifyRequest): Identity {
  const who = identityOf(request);
  if (!who) throw UNAUTHENTICATED('no x-user-id: call through the gateway with a bearer token');
  return who;
}

/** The gateway forwards the token's email as x-user-email when it has one; events carry it to notification-service. */
function emailOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['x-user-email'];
  const email = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return email && email.length <= 254 && email.includes('@') ? email : undefined;
}

const isDuplicateKey = (err: unknown) => (err as { code?: string }).code === 'ER_DUP_ENTRY';

/** Orders API: place, read, list and cancel the caller's orders; admins complete (fulfil) confirmed ones. */
export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { pool, store, relay } = deps;

  /** The order if the caller owns it or is an admin; 404 when it does not exist, 403 when it is someone else's. */
  async function visibleOrder(request: FastifyRequest, id: string): Promise<StoredOrder> {
    const who = customer(request);
    const order = await store.get(pool, id);
    if (!order) throw ORDER_NOT_FOUND(`no order ${id}`);
    if (order.customerId !== who.userId && !who.roles.has('admin')) throw FORBIDDEN('the order belongs to another customer');
    return order;
  }

  app.post('/orders', { schema: { body: CreateOrderBody, headers: CreateOrderHeaders, response: { 201: Order } } }, async (request, reply) => {
    const who = customer(request);
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0) throw IDEMPOTENCY_KEY_REQUIRED('send a unique Idempotency-Key (e.g. a UUID) and reuse it when retrying');
    const checked = normaliseItems((request.body as CreateOrderBody).items, deps.maxItems, deps.maxQuantity);
    if (!checked.ok) throw ORDER_ITEMS_INVALID(checked.problem);
    // Hash of the normalised request: the same lines in another order or split differently are the same request.
    const requestHash = createHash('sha256').update(JSON.stringify(checked.items)).digest('hex');

    const replay = async (): Promise<StoredOrder | undefined> => {
      const existing = await store.byIdempotencyKey(pool, who.userId, key);
      if (!existing) return undefined;
      if (existing.requestHash !== requestHash) throw IDEMPOTENCY_KEY_REUSED(`key ${key} was used for order ${existing.order.id} with other items`);
      void reply.header('idempotent-replayed', 'true');
      return existing.order;
    };
    const first = await replay();
    if (first) return reply.code(201).send(first);

    // Both reads run at once; a product problem (unknown, inactive, 422) is reported before an inventory one.
    const [pricing, stock] = await Promise.allSettled([deps.prices.price(checked.items, request.id), deps.availability.shortages(checked.items, request.id)]);
    if (pricing.status === 'rejected') throw pricing.reason;
    if (stock.status === 'rejected') throw stock.reason;
    const [priced, shortages] = [pricing.value, stock.value];
    // Too little stock now fails the order at once; enough stock only lets the saga try to reserve it.
    const failureReason = shortages.length > 0 ? OUT_OF_STOCK : undefined;
    try {
      const order = await inTransaction(pool, (conn) =>
        store.create(
          conn,
          { id: randomUUID(), customerId: who.userId, customerEmail: emailOf(request), idempotencyKey: key, requestHash, currency: priced.currency, items: priced.lines, ...(failureReason && { failureReason }) },
          new Date(),
        ),
      );
      relay.nudge();
      request.log.info({ 'order.id': order.id, 'order.total': order.total.amount, 'order.status': order.status }, 'order placed');
      return await reply.code(201).send(order);
    } catch (err) {
      // The same key raced us and won: answer as its retry.
      if (!isDuplicateKey(err)) throw err;
      const winner = await replay();
      if (!winner) throw err;
      return reply.code(201).send(winner);
    }
  });

  app.get('/orders/:id', { schema: { params: OrderParams, response: { 200: Order } } }, async (request) => {
    return visibleOrder(request, (request.params as OrderParams).id);
  });

  app.get('/orders', { schema: { querystring: ListQuery, response: { 200: OrderPage } } }, async (request) => {
    const who = customer(request);
    const q = request.query as ListQuery;
    const limit = Math.min(q.limit ?? deps.pageSize.default, deps.pageSize.max);
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await store.list(pool, who.userId, limit + 1, after);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  });

  app.post('/orders/:id/cancel', { schema: { params: OrderParams, response: { 200: Order } } }, async (request) => {
    const { id } = request.params as OrderParams;
    await visibleOrder(request, id);
    const outcome = await inTransaction(pool, (conn) => store.apply(conn, id, ['cancel'], 'cancelled by customer', new Date()));
    if (outcome.kind === 'missing') throw ORDER_NOT_FOUND(`no order ${id}`);
    if (outcome.kind === 'refused') {
      // Cancelling twice answers the cancelled order, so a retried cancel is safe.
      if (outcome.order.status === 'CANCELLED') return outcome.order;
      throw ORDER_NOT_CANCELLABLE({ detail: `order ${id} is ${outcome.order.status}`, extensions: { orderStatus: outcome.order.status } });
    }
    relay.nudge();
    request.log.info({ 'order.id': id }, 'order cancelled');
    return outcome.order;
  });

  // Fulfilment (shipping) is not modelled; an admin marks a confirmed order
  // done, and inventory then commits the stock it held for it.
  app.post('/orders/:id/complete', { preHandler: requireAdmin, schema: { params: OrderParams, response: { 200: Order } } }, async (request) => {
    const { id } = request.params as OrderParams;
    const outcome = await inTransaction(pool, (conn) => store.apply(conn, id, ['complete'], null, new Date()));
    if (outcome.kind === 'missing') throw ORDER_NOT_FOUND(`no order ${id}`);
    if (outcome.kind === 'refused') {
      if (outcome.order.status === 'COMPLETED') return outcome.order;
      throw ORDER_NOT_COMPLETABLE({ detail: `order ${id} is ${outcome.order.status}`, extensions: { orderStatus: outcome.order.status } });
    }
    relay.nudge();
    request.log.info({ 'order.id': id }, 'order completed');
    return outcome.order;
  });
}
