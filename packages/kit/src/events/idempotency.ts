import type { Pool, PoolConnection } from 'mysql2/promise';
import type { DeliveryContext, EventHandler } from './bus.js';
import type { CloudEvent } from './cloudevent.js';
import { tableName } from './outbox/schema.js';

export type RunOnceResult = 'applied' | 'duplicate';

/** Records which events each consumer group has applied, in the same transaction as the effects. */
export interface ProcessedStore {
  /**
   * Runs `work` in a transaction on one connection together with the record
   * of (group, eventId). If the record exists, `work` does not run and the
   * result is `duplicate`; if `work` throws, nothing is recorded. A duplicate
   * delivered concurrently waits on the first one's row lock, then sees it.
   */
  runOnce(group: string, eventId: string, work: (conn: PoolConnection) => Promise<void>): Promise<RunOnceResult>;
  /** Deletes records older than the given age (keep it well above the longest redelivery window). */
  purge(olderThanMs: number): Promise<number>;
}

const DUPLICATE_KEY = 'ER_DUP_ENTRY';

export function createProcessedStore(pool: Pool, opts: { table?: string } = {}): ProcessedStore {
  const table = tableName(opts.table ?? 'nimbus_processed_events');
  return {
    async runOnce(group, eventId, work) {
      const conn = await pool.getConnection();
      try {
        await conn.beginTransaction();
        try {
          // A plain INSERT, not INSERT IGNORE: IGNORE would also swallow
          // truncation and turn two long ids into one key.
          await conn.execute(`INSERT INTO ${table} (consumer_group, message_id) VALUES (?, ?)`, [group, eventId]);
        } catch (err) {
          if ((err as { code?: string }).code !== DUPLICATE_KEY) throw err;
          await conn.rollback();
          return 'duplicate';
        }
        await work(conn);
        await conn.commit();
        return 'applied';
      } catch (err) {
        await conn.rollback().catch(() => undefined);
        throw err;
      } finally {
        conn.release();
      }
    },
    async purge(olderThanMs) {
      const [result] = await pool.query(`DELETE FROM ${table} WHERE processed_at < NOW(6) - INTERVAL ? MICROSECOND`, [olderThanMs * 1000]);
      return (result as { affectedRows: number }).affectedRows;
    },
  };
}

/** A handler whose database work runs inside the processed-store transaction (its `conn`). */
export type TransactionalHandler<T> = (event: CloudEvent<T>, ctx: DeliveryContext, conn: PoolConnection) => Promise<void>;

/**
 * Makes a handler apply each event once per group: its work and the
 * "processed" record commit together, and a redelivered event is
 * acknowledged without running it again.
 */
export function idempotent<T>(store: ProcessedStore, handler: TransactionalHandler<T>): EventHandler<T> {
  return async (event, ctx) => {
    const result = await store.runOnce(ctx.group, event.id, (conn) => handler(event, ctx, conn));
    if (result === 'duplicate') ctx.logger.debug('event already processed by this group; acknowledged without re-applying');
  };
}
