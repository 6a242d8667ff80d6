import type { Registry } from 'prom-client';
import type { HealthCheck } from '../health/index.js';
import type { Logger } from '../logging/logger.js';
import type { CloudEvent } from './cloudevent.js';
import type { BackoffSettings } from './settings.js';

/** What a handler knows about the delivery it is processing. */
export interface DeliveryContext {
  readonly topic: string;
  readonly group: string;
  /** 1 on the first delivery; grows with each retry after a handler failure. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /**
   * Aborted when the bus gives up on this delivery (shutdown took longer than
   * consumer.shutdownTimeoutMs): the message stays unacknowledged and is
   * redelivered, so stop work that has not committed.
   */
  readonly signal: AbortSignal;
  /** Carries the event id, type and subject. */
  readonly logger: Logger;
}

/**
 * Processes one event. Resolve to acknowledge; throw to have it retried
 * (with backoff, up to maxAttempts, then dead-lettered). Throw a ProblemError
 * that is not retryable (EVENT_REJECTED) to dead-letter it at once.
 * Delivery is at least once: make handlers idempotent (see processed store).
 */
export type EventHandler<T = unknown> = (event: CloudEvent<T>, ctx: DeliveryContext) => Promise<void>;

export interface SubscribeOptions {
  /**
   * Event types to receive, as AMQP topic patterns (`order.*`, `order.#`);
   * default all types of the topic.
   */
  types?: string[];
  /** Overrides consumer.maxAttempts for this subscription. */
  maxAttempts?: number;
  /** Overrides consumer.backoff for this subscription. */
  backoff?: BackoffSettings;
}

export type DeadLetterReason = 'max-attempts' | 'non-retryable' | 'malformed';

/** A message that left the normal flow, with why. */
export interface DeadLetter {
  readonly topic: string;
  readonly group: string;
  /** Undefined when the message could not be read as a CloudEvent (reason `malformed`). */
  readonly event: CloudEvent | undefined;
  readonly body: Buffer;
  /** Deliveries made before giving up. */
  readonly attempts: number;
  readonly reason: DeadLetterReason;
  /** The last handler error (or why the message is malformed). */
  readonly error: string;
  readonly deadLetteredAt: string;
}

export type DeadLetterHandler = (letter: DeadLetter) => Promise<void>;

export interface CloseOptions {
  /** Overrides consumer.shutdownTimeoutMs: how long in-flight handlers may finish. */
  timeoutMs?: number;
}

/**
 * Publishes and consumes CloudEvents over one broker. Delivery is at least
 * once, in publish order per subject (until a retry takes an event out of
 * line). RabbitMQ and Kafka binders behave the same under this interface.
 */
export interface EventBus {
  readonly binder: 'rabbitmq' | 'kafka';
  /** Resolves once the broker confirmed the event is stored. Rejects with a retryable problem otherwise. */
  publish(topic: string, event: CloudEvent): Promise<void>;
  /** Registers a handler for a topic within a consumer group (each group receives every event once). */
  subscribe<T = unknown>(topic: string, group: string, handler: EventHandler<T>, opts?: SubscribeOptions): void;
  /** Consumes the dead letters of a topic and group, e.g. to alert or to replay. */
  subscribeDeadLetters(topic: string, group: string, handler: DeadLetterHandler): void;
  /** Connects and starts the subscriptions. If the broker is unreachable, keeps retrying in the background (health is DOWN). */
  start(): Promise<void>;
  /** Stops receiving and waits for in-flight handlers (lifecycle stage `intake`). Publishing still works. */
  stopConsuming(opts?: CloseOptions): Promise<void>;
  /** Stops consumers, finishes in-flight handlers and publishes, closes connections. Idempotent. */
  close(opts?: CloseOptions): Promise<void>;
  /** Readiness check: the broker connection and every consumer are up. */
  healthCheck(): HealthCheck;
}

export interface EventBusDeps {
  /** The service's name: the RabbitMQ connection name and the Kafka client id, so operators can tell who is connected. */
  service: string;
  logger: Logger;
  registry: Registry;
}
