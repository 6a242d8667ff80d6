import { createEvent, type Outbox } from '@nimbus/kit';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { transition, type OrderCommand, type OrderStatus } from '../domain/order.js';

export interface OrderLine {
  productId: string;
  quantity: number;
  /** Minor units of the order's currency, as read from the product service at order time. */
  unitPrice: number;
}

export interface Order {
  id: string;
  customerId: string;
  customerEmail: string | null;
  status: OrderStatus;
  failureReason: string | null;
  total: { amount: number; currency: string };
  items: OrderLine[];
  createdAt: string;
  updatedAt: string;
}

export interface NewOrder {
  id: string;
  customerId: string;
  customerEmail: string | undefined;
  idempotencyKey: string;
  requestHash: string;
  currency: string;
  items: OrderLine[];
  /** Set when the order fails as it is placed (e.g. "out of stock" by the availability check): stored FAILED, never reserved. */
  failureReason?: string;
}

/** The stored order behind an idempotency key, with the hash of the request that created it. */
export interface KeyedOrder {
  order: Order;
  requestHash: string;
}

export type ApplyOutcome = { kind: 'applied'; order: Order } | { kind: 'refused'; order: Order } | { kind: 'missing' };

export const ORDER_EVENTS = {
  created: 'order.created',
  confirmed: 'order.confirmed',
  failed: 'order.failed',
  cancelled: 'order.cancelled',
  completed: 'order.completed',
} as const;

export interface OrderStoreOptions {
  outbox: Outbox;
  topic: string;
  source: string;
}

export interface PageCursor {
  createdAt: string;
  id: string;
}

const SELECT_ORDER = 'SELECT id, customer_id, customer_email, status, failure_reason, total_amount, currency, created_at, updated_at, request_hash FROM orders';

/**
 * Orders. Every method that changes state takes the caller's connection
 * inside a transaction and writes its events to the outbox on it, so a
 * status change and its announcement commit together or not at all.
 */
export class OrderStore {
  readonly #o: OrderStoreOptions;

  constructor(opts: OrderStoreOptions) {
    this.#o = opts;
  }

  async get(db: Pool | PoolConnection, id: string, lock = false): Promise<Order | undefined> {
    const [rows] = await db.query<RowDataPacket[]>(`${SELECT_ORDER} WHERE id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    const row = rows[0];
    return row ? (await this.#withItems(db, [row]))[0] : undefined;
  }

  async byIdempotencyKey(db: Pool | PoolConnection, customerId: string, key: string): Promise<KeyedOrder | undefined> {
    const [rows] = await db.query<RowDataPacket[]>(`${SELECT_ORDER} WHERE customer_id = ? AND idempotency_key = ?`, [customerId, key]);
    const row = rows[0];
    if (!row) return undefined;
    const [order] = await this.#withItems(db, [row]);
    return order && { order, requestHash: row['request_hash'] as string };
  }

  /** A customer's orders, newest first; `after` is the last order of the previous page. */
  async list(pool: Pool, customerId: string, limit: number, after?: PageCursor): Promise<Order[]> {
    const [rows] = after
      ? await pool.query<RowDataPacket[]>(`${SELECT_ORDER} WHERE customer_id = ? AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?`, [
          customerId,
          new Date(after.createdAt),
          new Date(after.createdAt),
          after.id,
          limit,
        ])
      : await pool.query<RowDataPacket[]>(`${SELECT_ORDER} WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, [customerId, limit]);
    return this.#withItems(pool, rows);
  }

  /**
   * Stores the order PENDING with its order.created event, or, when it
   * failed as it was placed, FAILED with order.failed (inventory is not
   * asked to reserve). Throws MySQL's ER_DUP_ENTRY when the customer's
   * idempotency key was taken meanwhile.
   */
  async create(conn: PoolConnection, o: NewOrder, now: Date): Promise<Order> {
    const amount = o.items.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0);
    const status: OrderStatus = o.failureReason === undefined ? 'PENDING' : 'FAILED';
    const failureReason = o.failureReason ?? null;
    await conn.execute(
      'INSERT INTO orders (id, customer_id, customer_email, status, failure_reason, total_amount, currency, idempotency_key, request_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [o.id, o.customerId, o.customerEmail ?? null, status, failureReason, amount, o.currency, o.idempotencyKey, o.requestHash, now, now],
    );
    await conn.query('INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES ?', [o.items.map((i) => [o.id, i.productId, i.quantity, i.unitPrice])]);
    await this.#record(conn, o.id, null, 'PENDING', null, now);
    if (status === 'FAILED') await this.#record(conn, o.id, 'PENDING', 'FAILED', failureReason, now);
    const order: Order = {
      id: o.id,
      customerId: o.customerId,
      customerEmail: o.customerEmail ?? null,
      status,
      failureReason,
      total: { amount, currency: o.currency },
      items: o.items,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    if (status === 'FAILED') await this.#announce(conn, ORDER_EVENTS.failed, order, { reason: failureReason });
    else await this.#announce(conn, ORDER_EVENTS.created, order);
    return order;
  }

  /**
   * Applies saga commands in order on the locked row, each checked by the
   * state machine. On the first refused command nothing more is applied and
   * the order is returned as it is (`refused`). The events the final status
   * calls for are written to the outbox: FAILED → order.failed (and, for a
   * timeout, order.cancelled so inventory releases a reservation it may hold),
   * CANCELLED → order.cancelled, CONFIRMED → order.confirmed,
   * COMPLETED → order.completed (inventory commits the held stock).
   */
  async apply(conn: PoolConnection, id: string, commands: readonly OrderCommand[], reason: string | null, now: Date): Promise<ApplyOutcome> {
    const order = await this.get(conn, id, true);
    if (!order) return { kind: 'missing' };
    let status = order.status;
    for (const command of commands) {
      const t = transition(status, command);
      if (!t.ok) return { kind: 'refused', order };
      await this.#record(conn, id, status, t.to, reason, now);
      status = t.to;
    }
    const failureReason = status === 'FAILED' ? reason : null;
    await conn.execute('UPDATE orders SET status = ?, failure_reason = ?, updated_at = ? WHERE id = ?', [status, failureReason, now, id]);
    const updated: Order = { ...order, status, failureReason, updatedAt: now.toISOString() };
    if (status === 'CONFIRMED') await this.#announce(conn, ORDER_EVENTS.confirmed, updated);
    if (status === 'COMPLETED') await this.#announce(conn, ORDER_EVENTS.completed, updated);
    if (status === 'FAILED') await this.#announce(conn, ORDER_EVENTS.failed, updated, { reason });
    if (status === 'CANCELLED' || commands.includes('timeout')) await this.#announce(conn, ORDER_EVENTS.cancelled, updated, { reason });
    return { kind: 'applied', order: updated };
  }

  /**
   * Asks inventory to release stock it reserved for an order that is already
   * failed or cancelled (a reservation that arrived late): an order.cancelled
   * event with reason "compensation"; inventory releases, or acknowledges if
   * there is nothing to release.
   */
  async compensate(conn: PoolConnection, order: Order): Promise<void> {
    await this.#announce(conn, ORDER_EVENTS.cancelled, order, { reason: 'compensation' });
  }

  /** Ids of PENDING orders created at or before `createdBefore`, oldest first. */
  async overdue(pool: Pool, createdBefore: Date, limit: number): Promise<string[]> {
    const [rows] = await pool.query<RowDataPacket[]>("SELECT id FROM orders WHERE status = 'PENDING' AND created_at <= ? ORDER BY created_at LIMIT ?", [createdBefore, limit]);
    return rows.map((r) => r['id'] as string);
  }

  async transitions(db: Pool | PoolConnection, id: string): Promise<{ from: string | null; to: string; reason: string | null }[]> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT from_status, to_status, reason FROM order_transitions WHERE order_id = ? ORDER BY id', [id]);
    return rows.map((r) => ({ from: (r['from_status'] as string | null) ?? null, to: r['to_status'] as string, reason: (r['reason'] as string | null) ?? null }));
  }

  async #record(conn: PoolConnection, id: string, from: OrderStatus | null, to: OrderStatus, reason: string | null, now: Date): Promise<void> {
    await conn.execute('INSERT INTO order_transitions (order_id, from_status, to_status, reason, at) VALUES (?, ?, ?, ?, ?)', [id, from, to, reason, now]);
  }

  async #withItems(db: Pool | PoolConnection, rows: RowDataPacket[]): Promise<Order[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r['id'] as string);
    const [items] = await db.query<RowDataPacket[]>('SELECT order_id, product_id, quantity, unit_price FROM order_items WHERE order_id IN (?) ORDER BY product_id', [ids]);
    const byOrder = new Map<string, OrderLine[]>();
    for (const i of items) {
      const list = byOrder.get(i['order_id'] as string) ?? [];
      list.push({ productId: i['product_id'] as string, quantity: Number(i['quantity']), unitPrice: Number(i['unit_price']) });
      byOrder.set(i['order_id'] as string, list);
    }
    return rows.map((r) => ({
      id: r['id'] as string,
      customerId: r['customer_id'] as string,
      customerEmail: (r['customer_email'] as string | null) ?? null,
      status: r['status'] as OrderStatus,
      failureReason: (r['failure_reason'] as string | null) ?? null,
      total: { amount: Number(r['total_amount']), currency: r['currency'] as string },
      items: byOrder.get(r['id'] as string) ?? [],
      createdAt: (r['created_at'] as Date).toISOString(),
      updatedAt: (r['updated_at'] as Date).toISOString(),
    }));
  }

  async #announce(conn: PoolConnection, type: string, order: Order, extra: Record<string, unknown> = {}): Promise<void> {
    const data = {
      orderId: order.id,
      customerId: order.customerId,
      ...(order.customerEmail && { customerEmail: order.customerEmail }),
      status: order.status,
      items: order.items,
      total: order.total,
      ...extra,
    };
    await this.#o.outbox.add(conn, this.#o.topic, createEvent({ type, source: this.#o.source, subject: order.id, data }));
  }
}
