/**
 * Runs tasks one at a time per key and concurrently across keys. A consumer
 * holding several messages (RabbitMQ prefetch) keeps the per-subject order
 * the broker delivered while unrelated subjects do not wait on each other.
 */
export class KeyedSerial {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    // The stored tail never rejects, so a failed task does not poison its key.
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return current;
  }

  /** Keys with queued or running work. */
  get size(): number {
    return this.#tails.size;
  }
}
