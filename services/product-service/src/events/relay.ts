import type { EventBus, Logger } from '@nimbus/kit';
import type { ProductStore } from '../store/products.js';

export interface ProductRelayOptions {
  store: ProductStore;
  bus: EventBus;
  topic: string;
  intervalMs: number;
  batchSize: number;
  logger: Logger;
}

/**
 * Publishes the events products carry in their `outbox` field, oldest first
 * per product, then removes them with a write conditional on `rev`: a change
 * that lands in between keeps its new event. At least once: a crash after
 * publishing and before the removal republishes with the same event id,
 * which consumers deduplicate. Several instances may relay at once (more
 * duplicates, never a loss).
 */
export class ProductEventRelay {
  readonly #o: ProductRelayOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #lastError: string | undefined;

  constructor(opts: ProductRelayOptions) {
    this.#o = opts;
  }

  start(): void {
    this.#timer = setInterval(() => this.nudge(), this.#o.intervalMs);
    this.#timer.unref();
    this.nudge();
  }

  /** Runs a pass now (or right after the current one). */
  nudge(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when no pass is running (tests). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.idle();
  }

  healthCheck() {
    return { name: 'product-event-relay', check: async () => { if (this.#lastError) throw new Error(this.#lastError); } };
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#pass();
        this.#lastError = undefined;
      } catch (err) {
        this.#lastError = (err as Error).message;
        this.#o.logger.warn('product events not relayed; will retry', { 'error.message': this.#lastError });
        return;
      }
    } while (this.#again && !this.#closed);
  }

  async #pass(): Promise<void> {
    const { store, bus, topic, batchSize } = this.#o;
    const docs = await store.collection.find({ outboxPending: true }).limit(batchSize).toArray();
    for (const doc of docs) {
      if (this.#closed) return;
      for (const event of doc.outbox) await bus.publish(topic, event);
      const published = new Set(doc.outbox.map((e) => e.id));
      // Through the store's per-product queue, so it never interleaves with an update.
      await store.writes.run(doc._id, async () => {
        let rev = doc.rev;
        let outbox = doc.outbox;
        for (let attempt = 0; attempt < 5; attempt++) {
          const rest = outbox.filter((e) => !published.has(e.id));
          const res = await store.collection.updateOne({ _id: doc._id, rev }, { $set: { outbox: rest, outboxPending: rest.length > 0 } });
          if (res.matchedCount === 1) break;
          const fresh = await store.collection.findOne({ _id: doc._id });
          if (!fresh) break;
          rev = fresh.rev;
          outbox = fresh.outbox;
        }
      });
    }
    if (docs.length === batchSize) this.#again = true;
  }
}
