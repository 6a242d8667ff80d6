import type { DeadLetterReason } from './bus.js';

/**
 * Delivery metadata the bus adds to retried and dead-lettered messages, the
 * same names on both brokers. They are deliberately not CloudEvents
 * attributes (no `ce_`/`cloudEvents:` prefix): they describe this delivery,
 * not the event, and must not leak into the event a handler or a replay sees.
 */
export const DELIVERY = {
  /** Delivery number this message is (1 when absent); on a dead letter, the deliveries made. */
  attempt: 'x-nimbus-attempt',
  /** Kafka retry topic: epoch milliseconds before which the message must not be handled. */
  retryAt: 'x-nimbus-retry-at',
  /** The last handler error, bounded to 1000 characters. */
  error: 'x-nimbus-error',
  reason: 'x-nimbus-reason',
  deadLetteredAt: 'x-nimbus-dead-lettered-at',
  /** The topic and group the message failed in, so a dead letter can be replayed. */
  topic: 'x-nimbus-topic',
  group: 'x-nimbus-group',
} as const;

const REASONS: readonly DeadLetterReason[] = ['max-attempts', 'non-retryable', 'malformed'];

/** Reads an attempt count, treating anything unusable as the first delivery. */
export function parseAttempt(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : NaN);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

export function parseReason(value: string | undefined): DeadLetterReason {
  return REASONS.find((r) => r === value) ?? 'max-attempts';
}

/** A header value as text (brokers hand back strings, Buffers or numbers). */
export function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return headerText(value[0]);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Headers a dead letter carries: why, after how many deliveries, and where it came from. */
export function deadLetterHeaders(topic: string, group: string, reason: DeadLetterReason, attempts: number, error: string): Record<string, string | number> {
  return {
    [DELIVERY.attempt]: attempts,
    [DELIVERY.error]: error,
    [DELIVERY.reason]: reason,
    [DELIVERY.deadLetteredAt]: new Date().toISOString(),
    [DELIVERY.topic]: topic,
    [DELIVERY.group]: group,
  };
}
