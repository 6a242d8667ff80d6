import { inTransaction, type Logger } from '@nimbus/kit';
import type { Pool } from 'mysql2/promise';
import type { OrderStore } from '../store/orders.js';

export interface TimeoutSweeperOptions {
  pool: Pool;
  store: OrderStore;
  pendingTimeoutMs: number;
  intervalMs: number;
  batchSize: number;
  logger: Logger;
  onFailed?: () => void;
}

/**
 * Fails orders that stayed PENDING past `pendingTimeoutMs` (inventory never
 * answered) with reason "timeout", announcing order.failed and order.cancelled
 * (the compensation: inventory releases a reservation if it made one). Safe
 * with several instances: each order is re-read under its row lock and the
 * state machine refuses a second timeout or one after the saga moved on.
 */
export class TimeoutSweeper {
  readonly #o: TimeoutSweeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #closed = false;

  constructor(opts: TimeoutSweeperOptions) {
    this.#o = opts;
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep().catch((err: unknown) => this.#o.logger.warn('order timeout sweep failed; will retry', { 'error.message': String(err) })), this.#o.intervalMs);
    this.#timer.unref();
  }

  /** One pass as of `now`; returns how many orders it failed. Concurrent calls share the pass. */
  sweep(now: Date = new Date()): Promise<number> {
    this.#running ??= this.#pass(now).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #pass(now: Date): Promise<number> {
    const { pool, store, batchSize, logger, pendingTimeoutMs } = this.#o;
    let failed = 0;
    for (const id of await store.overdue(pool, new Date(now.getTime() - pendingTimeoutMs), batchSize)) {
      if (this.#closed) break;
      const outcome = await inTransaction(pool, (conn) => store.apply(conn, id, ['timeout'], 'timeout', now));
      if (outcome.kind !== 'applied') continue;
      failed++;
      logger.warn('order timed out waiting for inventory; failed and compensated', { 'order.id': id });
    }
    if (failed > 0) this.#o.onFailed?.();
    return failed;
  }
}
