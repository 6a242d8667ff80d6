/** One serialized `_bulk` entry: action line and document, newline-terminated. */
export interface BulkEntry {
  readonly lines: string;
  readonly bytes: number;
}

/**
 * FIFO of bulk entries bounded by count and by bytes. Adding past either
 * bound evicts the oldest entries and reports how many, so the caller can
 * count them: under a long Elasticsearch outage the newest logs are the ones
 * worth keeping. O(1) push and shift (head index, compacted as it grows).
 */
export class BoundedQueue {
  #items: BulkEntry[] = [];
  #head = 0;
  #bytes = 0;

  constructor(
    private readonly maxItems: number,
    private readonly maxBytes: number,
  ) {}

  get length(): number {
    return this.#items.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Appends; returns how many of the oldest entries were evicted to make room. */
  push(entry: BulkEntry): number {
    this.#items.push(entry);
    this.#bytes += entry.bytes;
    return this.#evict();
  }

  /** Puts entries back at the front (a failed batch, still the oldest); returns how many were evicted. */
  requeue(entries: readonly BulkEntry[]): number {
    if (entries.length === 0) return 0;
    this.#items = [...entries, ...this.#items.slice(this.#head)];
    this.#head = 0;
    for (const e of entries) this.#bytes += e.bytes;
    return this.#evict();
  }

  /** Removes up to maxItems oldest entries, within maxBytes (always at least one). */
  take(maxItems: number, maxBytes: number): BulkEntry[] {
    const out: BulkEntry[] = [];
    let bytes = 0;
    while (this.length > 0 && out.length < maxItems) {
      const next = this.#items[this.#head] as BulkEntry;
      if (out.length > 0 && bytes + next.bytes > maxBytes) break;
      out.push(this.#shift());
      bytes += next.bytes;
    }
    return out;
  }

  /** Empties the queue; returns how many entries it held. */
  clear(): number {
    const n = this.length;
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    return n;
  }

  #evict(): number {
    let evicted = 0;
    while (this.length > this.maxItems || (this.#bytes > this.maxBytes && this.length > 0)) {
      this.#shift();
      evicted++;
    }
    return evicted;
  }

  #shift(): BulkEntry {
    const entry = this.#items[this.#head] as BulkEntry;
    this.#items[this.#head] = undefined as unknown as BulkEntry;
    this.#head++;
    this.#bytes -= entry.bytes;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }
}
