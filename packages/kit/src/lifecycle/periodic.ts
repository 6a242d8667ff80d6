import type { Logger } from '../logging/logger.js';

export interface PeriodicPassOptions {
  /** Named in the warning a failed pass logs. */
  name: string;
  intervalMs: number;
  logger: Logger;
  /** One pass as of `now`; returns how many items it handled. Check `closed()` between items. */
  pass: (now: Date, closed: () => boolean) => Promise<number>;
}

/**
 * A pass run every `intervalMs` (expiry and timeout sweeps): passes never
 * overlap (a call during a pass shares it), a failed pass is logged and the
 * next tick tries again, and close() stops the timer and waits for the pass
 * in flight, which sees `closed()` and stops between items.
 */
export class PeriodicPass {
  readonly #o: PeriodicPassOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #closed = false;

  constructor(opts: PeriodicPassOptions) {
    this.#o = opts;
  }

  start(): void {
    this.#timer = setInterval(() => void this.run().catch((err: unknown) => this.#o.logger.warn(`${this.#o.name} failed; will retry`, { 'error.message': String(err) })), this.#o.intervalMs);
    this.#timer.unref();
  }

  /** One pass as of `now`, or the one already running. */
  run(now: Date = new Date()): Promise<number> {
    this.#running ??= this.#o.pass(now, () => this.#closed).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
