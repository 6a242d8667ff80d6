import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Returns the metric already registered under this name, or registers it (buses and relays may share a registry). */
function once<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export interface EventMetrics {
  published: Counter<'topic'>;
  publishFailed: Counter<'topic'>;
  consumed: Counter<'topic' | 'group'>;
  failed: Counter<'topic' | 'group'>;
  deadLettered: Counter<'topic' | 'group' | 'reason'>;
  handlerSeconds: Histogram<'topic' | 'group'>;
}

export function eventMetrics(registry: Registry): EventMetrics {
  const registers = [registry];
  return {
    published: once(registry, 'nimbus_events_published_total', () =>
      new Counter({ name: 'nimbus_events_published_total', help: 'Events the broker confirmed', labelNames: ['topic'], registers }),
    ),
    publishFailed: once(registry, 'nimbus_events_publish_failed_total', () =>
      new Counter({ name: 'nimbus_events_publish_failed_total', help: 'Publishes that failed or timed out', labelNames: ['topic'], registers }),
    ),
    consumed: once(registry, 'nimbus_events_consumed_total', () =>
      new Counter({ name: 'nimbus_events_consumed_total', help: 'Events a handler processed successfully', labelNames: ['topic', 'group'], registers }),
    ),
    failed: once(registry, 'nimbus_events_failed_total', () =>
      new Counter({ name: 'nimbus_events_failed_total', help: 'Handler failures (each attempt counts)', labelNames: ['topic', 'group'], registers }),
    ),
    deadLettered: once(registry, 'nimbus_events_dead_lettered_total', () =>
      new Counter({
        name: 'nimbus_events_dead_lettered_total',
        help: 'Messages sent to the dead letters, by reason (max-attempts, non-retryable, malformed)',
        labelNames: ['topic', 'group', 'reason'],
        registers,
      }),
    ),
    handlerSeconds: once(registry, 'nimbus_events_handler_duration_seconds', () =>
      new Histogram({
        name: 'nimbus_events_handler_duration_seconds',
        help: 'Time handlers take, successful or not',
        labelNames: ['topic', 'group'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
    ),
  };
}

export interface OutboxMetrics {
  backlog: Gauge;
  oldestAgeSeconds: Gauge;
  relayed: Counter;
}

export function outboxMetrics(registry: Registry): OutboxMetrics {
  const registers = [registry];
  return {
    backlog: once(registry, 'nimbus_outbox_backlog', () =>
      new Gauge({ name: 'nimbus_outbox_backlog', help: 'Outbox rows not yet published (as of the relay’s last round)', registers }),
    ),
    oldestAgeSeconds: once(registry, 'nimbus_outbox_oldest_age_seconds', () =>
      new Gauge({ name: 'nimbus_outbox_oldest_age_seconds', help: 'Age of the oldest unpublished outbox row; 0 when none', registers }),
    ),
    relayed: once(registry, 'nimbus_outbox_relayed_total', () =>
      new Counter({ name: 'nimbus_outbox_relayed_total', help: 'Outbox rows published and marked sent', registers }),
    ),
  };
}

/**
 * Awaits one publish, keeping it in `inFlight` meanwhile (close() waits for
 * those) and counting it as published or failed. Both binders publish through it.
 */
export async function trackPublish(inFlight: Set<Promise<unknown>>, metrics: EventMetrics, topic: string, done: Promise<unknown>): Promise<void> {
  inFlight.add(done);
  try {
    await done;
    metrics.published.inc({ topic });
  } catch (err) {
    metrics.publishFailed.inc({ topic });
    throw err;
  } finally {
    inFlight.delete(done);
  }
}
