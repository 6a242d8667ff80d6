import type { Logger } from '@nimbus/kit';
import type { Pool } from 'mysql2/promise';
import { inTransaction } from '@nimbus/kit';
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
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #closed = false;

  constructor(opts: SweeperOptions) {
    this.#o = opts;
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep().catch((err: unknown) => this.#o.logger.warn('reservation sweep failed; will retry', { 'error.message': String(err) })), this.#o.intervalMs);
    this.#timer.unref();
  }

  /** One pass; returns how many reservations it expired. Concurrent calls share the pass. */
  sweep(): Promise<number> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #pass(): Promise<number> {
    const { pool, store, batchSize, logger } = this.#o;
    const now = this.#o.now ?? (() => new Date());
    let expired = 0;
    for (const orderId of await store.due(pool, now(), batchSize)) {
      if (this.#closed) break;
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
