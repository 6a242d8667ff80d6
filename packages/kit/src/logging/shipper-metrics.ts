import { Counter, Gauge, type Registry } from 'prom-client';

export type DropReason = 'queue_full' | 'rejected' | 'too_large' | 'closed' | 'shutdown';
const DROP_REASONS: readonly DropReason[] = ['queue_full', 'rejected', 'too_large', 'closed', 'shutdown'];

/**
 * The shipper's health as Prometheus sees it, and as plain totals for tests
 * and diagnostics. Registered in the registry given (never the global one);
 * a second shipper on the same registry shares the series.
 */
export class ShipperMetrics {
  readonly #dropped: Counter<'reason'>;
  readonly #shipped: Counter;
  readonly #failed: Counter<'reason'>;
  readonly #queue: Gauge;
  readonly #totals = { shipped: 0, failedRequests: 0, dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number> };

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.#dropped = reuse(registry, 'nimbus_log_shipper_dropped_total', () =>
      new Counter({ name: 'nimbus_log_shipper_dropped_total', help: 'Log documents not delivered to Elasticsearch, by reason', labelNames: ['reason'], registers }),
    );
    this.#shipped = reuse(registry, 'nimbus_log_shipper_shipped_total', () =>
      new Counter({ name: 'nimbus_log_shipper_shipped_total', help: 'Log documents Elasticsearch accepted', registers }),
    );
    this.#failed = reuse(registry, 'nimbus_log_shipper_failed_requests_total', () =>
      new Counter({ name: 'nimbus_log_shipper_failed_requests_total', help: '_bulk requests that failed, by reason (network, http_<status>, item_busy)', labelNames: ['reason'], registers }),
    );
    this.#queue = reuse(registry, 'nimbus_log_shipper_queue_documents', () =>
      new Gauge({ name: 'nimbus_log_shipper_queue_documents', help: 'Log documents waiting to be shipped', registers }),
    );
  }

  dropped(reason: DropReason, count: number): void {
    if (count <= 0) return;
    this.#totals.dropped[reason] += count;
    this.#dropped.inc({ reason }, count);
  }

  shipped(count: number): void {
    if (count <= 0) return;
    this.#totals.shipped += count;
    this.#shipped.inc(count);
  }

  failedRequest(reason: string): void {
    this.#totals.failedRequests++;
    this.#failed.inc({ reason });
  }

  queueSize(size: number): void {
    this.#queue.set(size);
  }

  totals(): { shipped: number; failedRequests: number; dropped: Readonly<Record<DropReason, number>> } {
    return { shipped: this.#totals.shipped, failedRequests: this.#totals.failedRequests, dropped: { ...this.#totals.dropped } };
  }
}

function reuse<T>(registry: Registry | undefined, name: string, create: () => T): T {
  return (registry?.getSingleMetric(name) as T | undefined) ?? create();
}
