import { createEvent, type Outbox } from '@nimbus/kit';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { INVENTORY_EVENTS, appliesTo, targetOf, transition, type ItemRejection, type OrderItem, type ReservationAction, type ReservationStatus } from '../domain/reservation.js';
import { RESERVATION_NOT_ACTIVE, RESERVATION_NOT_FOUND } from '../errors.js';

export interface Stock {
  productId: string;
  available: number;
  reserved: number;
}

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  expiresAt: string;
  items: OrderItem[];
}

export type ReserveOutcome =
  | { kind: 'reserved'; reservation: Reservation }
  | { kind: 'existing'; reservation: Reservation }
  | { kind: 'rejected'; orderId: string; items: ItemRejection[] };

export interface InventoryStoreOptions {
  outbox: Outbox;
  topic: string;
  source: string;
}

/**
 * Stock and reservations. Every method that changes state takes the
 * caller's connection inside a transaction and writes its event to the
 * outbox on it, so the change and its announcement commit together (the
 * HTTP routes open the transaction; the event consumer runs in the
 * processed-store transaction).
 */
export class InventoryStore {
  readonly #o: InventoryStoreOptions;

  constructor(opts: InventoryStoreOptions) {
    this.#o = opts;
  }

  async getStock(pool: Pool, productId: string): Promise<Stock | undefined> {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT product_id, available, reserved FROM stock WHERE product_id = ?', [productId]);
    const row = rows[0];
    return row ? { productId: row['product_id'] as string, available: Number(row['available']), reserved: Number(row['reserved']) } : undefined;
  }

  /** Sets the units free to reserve; reserved units are untouched. */
  async setStock(conn: PoolConnection, productId: string, available: number, now: Date): Promise<void> {
    await conn.execute(
      'INSERT INTO stock (product_id, available, reserved, updated_at) VALUES (?, ?, 0, ?) ON DUPLICATE KEY UPDATE available = VALUES(available), updated_at = VALUES(updated_at)',
      [productId, available, now],
    );
  }

  async getReservation(db: Pool | PoolConnection, orderId: string, lock = false): Promise<Reservation | undefined> {
    const [rows] = await db.query<RowDataPacket[]>(`SELECT order_id, status, expires_at FROM reservations WHERE order_id = ?${lock ? ' FOR UPDATE' : ''}`, [orderId]);
    const row = rows[0];
    if (!row) return undefined;
    const [items] = await db.query<RowDataPacket[]>('SELECT product_id, quantity FROM reservation_items WHERE order_id = ? ORDER BY product_id', [orderId]);
    return {
      orderId,
      status: row['status'] as ReservationStatus,
      expiresAt: (row['expires_at'] as Date).toISOString(),
      items: items.map((i) => ({ productId: i['product_id'] as string, quantity: Number(i['quantity']) })),
    };
  }

  /**
   * Reserves every item or none. Each item is one conditional UPDATE
   * (`available >= ?`), which takes the row lock and checks in the same
   * statement, so concurrent orders can never oversell; items come sorted,
   * so orders lock rows in one order. On any shortfall the savepoint is
   * rolled back and the rejection (with a reason per item) is announced.
   * A repeated order id returns the reservation it already has.
   */
  async reserve(conn: PoolConnection, orderId: string, items: readonly OrderItem[], now: Date, ttlMs: number): Promise<ReserveOutcome> {
    // A plain read, not FOR UPDATE: a locking read of a missing key takes a gap
    // lock, and concurrent orders inserting into that gap would deadlock.
    // A concurrent duplicate is caught by the primary key below instead.
    const existing = await this.getReservation(conn, orderId);
    if (existing) return { kind: 'existing', reservation: existing };
    await conn.query('SAVEPOINT reserve_order');
    const rejections: ItemRejection[] = [];
    for (const item of items) {
      const [res] = await conn.execute<ResultSetHeader>(
        'UPDATE stock SET available = available - ?, reserved = reserved + ?, updated_at = ? WHERE product_id = ? AND available >= ?',
        [item.quantity, item.quantity, now, item.productId, item.quantity],
      );
      if (res.affectedRows === 1) continue;
      // A locking (current) read: a plain SELECT would answer from the transaction's snapshot, not what the UPDATE saw.
      const [rows] = await conn.query<RowDataPacket[]>('SELECT available FROM stock WHERE product_id = ? FOR UPDATE', [item.productId]);
      const row = rows[0];
      rejections.push({ ...item, available: row ? Number(row['available']) : 0, reason: row ? 'out of stock' : 'unknown product' });
    }
    if (rejections.length > 0) {
      await conn.query('ROLLBACK TO SAVEPOINT reserve_order');
      await this.#announce(conn, INVENTORY_EVENTS.rejected, orderId, { orderId, items: rejections });
      return { kind: 'rejected', orderId, items: rejections };
    }
    const expiresAt = new Date(now.getTime() + ttlMs);
    try {
      await conn.execute('INSERT INTO reservations (order_id, status, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [orderId, 'reserved', expiresAt, now, now]);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ER_DUP_ENTRY') throw err;
      // The same order was reserved concurrently and committed first: undo ours, answer with theirs.
      await conn.query('ROLLBACK TO SAVEPOINT reserve_order');
      const theirs = await this.getReservation(conn, orderId, true);
      if (!theirs) throw err;
      return { kind: 'existing', reservation: theirs };
    }
    await conn.query('INSERT INTO reservation_items (order_id, product_id, quantity) VALUES ?', [items.map((i) => [orderId, i.productId, i.quantity])]);
    const reservation: Reservation = { orderId, status: 'reserved', expiresAt: expiresAt.toISOString(), items: [...items] };
    await this.#announce(conn, INVENTORY_EVENTS.reserved, orderId, reservation);
    return { kind: 'reserved', reservation };
  }

  /**
   * Confirms a hold (no stock moves; it no longer expires), returns the
   * reserved units to `available` (release, expire), or removes them from
   * `reserved` for good (commit). The status UPDATE is guarded by the
   * statuses the action applies to, so of two racing calls (a release and
   * the sweeper, say) exactly one moves the stock.
   */
  async finish(conn: PoolConnection, orderId: string, action: ReservationAction, now: Date): Promise<Reservation> {
    const from = appliesTo(action);
    const [res] = await conn.execute<ResultSetHeader>(
      `UPDATE reservations SET status = ?, updated_at = ? WHERE order_id = ? AND status IN (${from.map(() => '?').join(', ')})`,
      [targetOf(action), now, orderId, ...from],
    );
    const reservation = await this.getReservation(conn, orderId);
    if (!reservation) throw RESERVATION_NOT_FOUND(`no reservation for order ${orderId}`);
    if (res.affectedRows === 0) {
      if (transition(reservation.status, action) === 'same') return reservation;
      throw RESERVATION_NOT_ACTIVE(`the reservation of order ${orderId} is ${reservation.status}`);
    }
    // Confirming moves no stock: the units stay reserved, only the expiry no longer applies.
    if (action === 'confirm') return reservation;
    const sql =
      action === 'commit'
        ? 'UPDATE stock SET reserved = reserved - ?, updated_at = ? WHERE product_id = ?'
        : 'UPDATE stock SET available = available + ?, reserved = reserved - ?, updated_at = ? WHERE product_id = ?';
    for (const item of reservation.items) {
      await conn.execute(sql, action === 'commit' ? [item.quantity, now, item.productId] : [item.quantity, item.quantity, now, item.productId]);
    }
    const type = action === 'commit' ? INVENTORY_EVENTS.committed : INVENTORY_EVENTS.released;
    await this.#announce(conn, type, orderId, { orderId, reason: targetOf(action), items: reservation.items });
    return reservation;
  }

  /** Order ids of reservations past their expiry, oldest first. */
  async due(pool: Pool, now: Date, limit: number): Promise<string[]> {
    const [rows] = await pool.query<RowDataPacket[]>("SELECT order_id FROM reservations WHERE status = 'reserved' AND expires_at <= ? ORDER BY expires_at LIMIT ?", [now, limit]);
    return rows.map((r) => r['order_id'] as string);
  }

  async #announce(conn: PoolConnection, type: string, orderId: string, data: unknown): Promise<void> {
    await this.#o.outbox.add(conn, this.#o.topic, createEvent({ type, source: this.#o.source, subject: orderId, data }));
  }
}
