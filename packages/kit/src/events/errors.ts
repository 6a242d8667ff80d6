import { defineProblem } from '../errors/problem.js';

// The event bus's error codes. Codes are public API: never rename one.
// `retryable` tells a caller (or the outbox relay) whether trying the same
// publish again later can succeed.

/** Not connected to the broker (down, unreachable, or reconnecting). */
export const EVENT_BUS_UNAVAILABLE = defineProblem('EVENT_BUS_UNAVAILABLE', 503, 'The message broker is unavailable', { retryable: true });

/** The broker refused the event (negative confirm, channel error, produce error). */
export const EVENT_PUBLISH_FAILED = defineProblem('EVENT_PUBLISH_FAILED', 503, 'The message broker did not accept the event', { retryable: true });

/** No confirmation in time: the event may or may not be stored, so a retry may duplicate it (consumers are idempotent). */
export const EVENT_PUBLISH_TIMEOUT = defineProblem('EVENT_PUBLISH_TIMEOUT', 504, 'The message broker did not confirm the event in time', {
  retryable: true,
});

/** The bus is closing or closed; another instance (or this one after restart) can take the work. */
export const EVENT_BUS_CLOSED = defineProblem('EVENT_BUS_CLOSED', 503, 'The event bus is closed', { retryable: true });

/** The event to publish lacks a required CloudEvents attribute or its data is not JSON. */
export const EVENT_INVALID = defineProblem('EVENT_INVALID', 400, 'The event is not a valid CloudEvent');

/** A received message is not a CloudEvent this bus can read; it goes straight to the dead letters. */
export const EVENT_MALFORMED = defineProblem('EVENT_MALFORMED', 400, 'The message is not a readable CloudEvent');

/**
 * Thrown by a handler to say the event can never be processed (invalid for
 * this consumer): the bus dead-letters it at once instead of retrying.
 * Any ProblemError with `retryable: false` has the same effect.
 */
export const EVENT_REJECTED = defineProblem('EVENT_REJECTED', 422, 'The consumer rejected the event');

/** A topic, group or type pattern the brokers cannot name, or a subscription declared twice. */
export const EVENT_SUBSCRIPTION_INVALID = defineProblem('EVENT_SUBSCRIPTION_INVALID', 500, 'The event subscription is not valid');
