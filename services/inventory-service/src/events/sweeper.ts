import type { Logger } from '@nimbus/kit';
import type { Pool } from 'mysql2/promise';
import { PeriodicPass, inTransaction } from '@nimbus/kit';
import type { InventoryStore } from '../store/inventory.js';
import { RESERVATION_NOT_ACTIVE } from '../errors.js';

export interface SweeperOptions {
  pool: Pool;
  store: InventoryStore;
  intervalMs: number;
  batchSize: number;
  logger: Logger;
  onReleased?: () => void;
  now?: () => Date;
}

/**
 * Releases reservations past their expiry. Safe with several instances: the
 * release is guarded by `status = 'reserved'`, so a reservation committed or
 * released meanwhile (or expired by another instance) is left alone.
 */
export class ExpirySweeper {
  readonly #o: SweeperOptions;
  readonly #periodic: PeriodicPass;

  constructor(opts: SweeperOptions) {
    this.#o = opts;
    this.#periodic = new PeriodicPass({ name: 'reservation sweep', intervalMs: opts.intervalMs, logger: opts.logger, pass: (_now, closed) => this.#pass(closed) });
  }

  start(): void {
    this.#periodic.start();
  }

  /** One pass; returns how many reservations it expired. Concurrent calls share the pass. */
  sweep(): Promise<number> {
    return this.#periodic.run();
  }

  close(): Promise<void> {
    return this.#periodic.close();
  }

  async #pass(closed: () => boolean): Promise<number> {
    const { pool, store, batchSize, logger } = this.#o;
    const now = this.#o.now ?? (() => new Date());
    let expired = 0;
    for (const orderId of await store.due(pool, now(), batchSize)) {
      if (closed()) break;
      try {
        await inTransaction(pool, (conn) => store.finish(conn, orderId, 'expire', now()));
        expired++;
        logger.info('reservation expired; stock released', { 'order.id': orderId });
      } catch (err) {
        // Committed or released between the query and the release: nothing to do.
        if ((err as { code?: string }).code !== RESERVATION_NOT_ACTIVE.code) throw err;
      }
    }
    if (expired > 0) this.#o.onReleased?.();
    return expired;
  }
}
