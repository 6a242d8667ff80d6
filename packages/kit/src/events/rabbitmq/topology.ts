import type { Channel } from 'amqplib';
import { retryDelay } from '../backoff.js';
import type { Subscription } from '../subscription.js';

/**
 * One durable topic exchange per topic (event family, e.g. `orders`), routed
 * by event type. Chosen over a single platform exchange because a topic then
 * maps 1:1 to a Kafka topic, permissions and policies can be set per family,
 * and a noisy family does not share an exchange with the others. Each group
 * gets a durable queue `<group>.<topic>` bound with its type patterns.
 *
 * Retries use one delay queue per distinct delay, named after it
 * (`<group>.<topic>.retry.<ms>ms`): the queue-level TTL dead-letters the
 * message back to the work queue. Per-message TTLs in one shared queue would
 * not work, since RabbitMQ only expires messages at the head of a queue (a
 * 1 s retry would wait behind an 8 s one). Naming the queue after its delay
 * means changing the backoff settings declares new queues instead of
 * failing on mismatched arguments.
 */
export const rabbitNames = {
  exchange: (topic: string) => topic,
  queue: (topic: string, group: string) => `${group}.${topic}`,
  delayQueue: (topic: string, group: string, delayMs: number) => `${group}.${topic}.retry.${delayMs}ms`,
  deadLetterQueue: (topic: string, group: string) => `${group}.${topic}.dlq`,
};

/** The distinct retry delays a subscription uses (attempts 1 to maxAttempts-1). */
export function retryDelays(sub: Pick<Subscription, 'maxAttempts' | 'backoff'>): number[] {
  const delays = new Set<number>();
  for (let attempt = 1; attempt < sub.maxAttempts; attempt++) delays.add(retryDelay(attempt, sub.backoff));
  return [...delays];
}

/** Every queue a subscription declares, e.g. for clean-up tooling. */
export function subscriptionQueues(sub: Pick<Subscription, 'topic' | 'group' | 'maxAttempts' | 'backoff'>): string[] {
  return [
    rabbitNames.queue(sub.topic, sub.group),
    ...retryDelays(sub).map((d) => rabbitNames.delayQueue(sub.topic, sub.group, d)),
    rabbitNames.deadLetterQueue(sub.topic, sub.group),
  ];
}

export async function declareExchange(ch: Channel, topic: string): Promise<void> {
  await ch.assertExchange(rabbitNames.exchange(topic), 'topic', { durable: true });
}

export async function declareDeadLetterQueue(ch: Channel, topic: string, group: string): Promise<void> {
  await ch.assertQueue(rabbitNames.deadLetterQueue(topic, group), { durable: true });
}

/** Declares (idempotently) everything a subscription consumes from or retries through. */
export async function declareSubscription(ch: Channel, sub: Subscription): Promise<void> {
  const queue = rabbitNames.queue(sub.topic, sub.group);
  await declareExchange(ch, sub.topic);
  await ch.assertQueue(queue, { durable: true });
  for (const pattern of sub.types) await ch.bindQueue(queue, rabbitNames.exchange(sub.topic), pattern);
  for (const delay of retryDelays(sub)) {
    await ch.assertQueue(rabbitNames.delayQueue(sub.topic, sub.group, delay), {
      durable: true,
      arguments: { 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
  }
  await declareDeadLetterQueue(ch, sub.topic, sub.group);
}
