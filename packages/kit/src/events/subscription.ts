import type { DeadLetterHandler, EventHandler, SubscribeOptions } from './bus.js';
import { EVENT_SUBSCRIPTION_INVALID } from './errors.js';
import type { BackoffSettings, EventBusSettings } from './settings.js';
import { typeMatcher, typePatternProblem } from './type-pattern.js';

/** A subscription with its options resolved against the settings. */
export interface Subscription {
  readonly topic: string;
  readonly group: string;
  readonly handler: EventHandler;
  readonly types: readonly string[];
  readonly matches: (type: string) => boolean;
  readonly maxAttempts: number;
  readonly backoff: BackoffSettings;
}

export interface DeadLetterSubscription {
  readonly topic: string;
  readonly group: string;
  readonly handler: DeadLetterHandler;
}

// Characters both Kafka topic names and RabbitMQ queue names accept; the
// derived names (`<topic>.<group>.retry`, `<group>.<topic>.dlq`) must also fit
// Kafka's 249-character limit.
const NAME = /^[A-Za-z0-9._-]+$/;
const MAX_DERIVED = 249;

export function assertNames(topic: string, group: string): void {
  for (const [what, value] of [
    ['topic', topic],
    ['group', group],
  ] as const) {
    if (!NAME.test(value)) throw EVENT_SUBSCRIPTION_INVALID(`${what} "${value}" may only contain letters, digits, '.', '_' and '-'`);
  }
  if (`${topic}.${group}.retry`.length > MAX_DERIVED) {
    throw EVENT_SUBSCRIPTION_INVALID(`topic and group names are too long (together at most ${MAX_DERIVED - 7} characters)`);
  }
}

export function assertTopic(topic: string): void {
  if (!NAME.test(topic) || topic.length > MAX_DERIVED) {
    throw EVENT_SUBSCRIPTION_INVALID(`topic "${topic}" must be 1 to ${MAX_DERIVED} letters, digits, '.', '_' or '-'`);
  }
}

export function resolveSubscription(
  topic: string,
  group: string,
  handler: EventHandler,
  opts: SubscribeOptions,
  settings: EventBusSettings,
): Subscription {
  assertNames(topic, group);
  const types = opts.types && opts.types.length > 0 ? [...opts.types] : ['#'];
  for (const pattern of types) {
    const problem = typePatternProblem(pattern);
    if (problem) throw EVENT_SUBSCRIPTION_INVALID(problem);
  }
  const maxAttempts = opts.maxAttempts ?? settings.consumer.maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw EVENT_SUBSCRIPTION_INVALID(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  return { topic, group, handler, types, matches: typeMatcher(types), maxAttempts, backoff: opts.backoff ?? settings.consumer.backoff };
}

/** Keeps subscriptions unique per (topic, group): a second handler would silently split the group's events. */
export class SubscriptionList<S extends { topic: string; group: string }> {
  readonly #items = new Map<string, S>();

  add(sub: S): void {
    const key = `${sub.group}\u0000${sub.topic}`;
    if (this.#items.has(key)) throw EVENT_SUBSCRIPTION_INVALID(`group "${sub.group}" already subscribes to "${sub.topic}" on this bus`);
    this.#items.set(key, sub);
  }

  get all(): S[] {
    return [...this.#items.values()];
  }
}
