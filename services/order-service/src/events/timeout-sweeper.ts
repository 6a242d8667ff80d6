import { PeriodicPass, inTransaction, type Logger } from '@nimbus/kit';
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
  readonly #periodic: PeriodicPass;

  constructor(opts: TimeoutSweeperOptions) {
    this.#o = opts;
    this.#periodic = new PeriodicPass({ name: 'order timeout sweep', intervalMs: opts.intervalMs, logger: opts.logger, pass: (now, closed) => this.#pass(now, closed) });
  }

  start(): void {
    this.#periodic.start();
  }

  /** One pass as of `now`; returns how many orders it failed. Concurrent calls share the pass. */
  sweep(now: Date = new Date()): Promise<number> {
    return this.#periodic.run(now);
  }

  close(): Promise<void> {
    return this.#periodic.close();
  }

  async #pass(now: Date, closed: () => boolean): Promise<number> {
    const { pool, store, batchSize, logger, pendingTimeoutMs } = this.#o;
    let failed = 0;
    for (const id of await store.overdue(pool, new Date(now.getTime() - pendingTimeoutMs), batchSize)) {
      if (closed()) break;
      const outcome = await inTransaction(pool, (conn) => store.apply(conn, id, ['timeout'], 'timeout', now));
      if (outcome.kind !== 'applied') continue;
      failed++;
      logger.warn('order timed out waiting for inventory; failed and compensated', { 'order.id': id });
    }
    if (failed > 0) this.#o.onFailed?.();
    return failed;
  }
}
