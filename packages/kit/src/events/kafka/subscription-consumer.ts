import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import type { Logger } from '../../logging/logger.js';
import { deadLetterHeaders, DELIVERY } from '../delivery-headers.js';
import type { Dispatcher, Outcome } from '../dispatch.js';
import type { EventBusSettings } from '../settings.js';
import type { DeadLetterSubscription, Subscription } from '../subscription.js';
import { deadLetterFromKafka, decodeKafka, kafkaAttempt, kafkaRetryAt, withDeliveryHeaders } from './binding.js';
import { ConsumerRunner, type Verdict } from './consumer-runner.js';
import { kafkaNames } from './topics.js';

/** Sends records and resolves once all in-sync replicas have them. */
export type RecordSender = (topic: string, message: Message) => Promise<void>;

export interface KafkaConsumerDeps {
  kafka: Kafka;
  settings: EventBusSettings;
  dispatcher: Dispatcher;
  send: RecordSender;
  logger: Logger;
}

/**
 * A subscription consumes its topic and its own retry topic in its group.
 * A failed event is re-sent to `<topic>.<group>.retry` with the next attempt
 * number and a not-before time, or to `<topic>.<group>.dlt` when attempts run
 * out; the original's offset is committed only after that send succeeded.
 */
export function subscriptionRunner(sub: Subscription, deps: KafkaConsumerDeps): ConsumerRunner {
  const retryTopic = kafkaNames.retryTopic(sub.topic, sub.group);
  const deadLetterTopic = kafkaNames.deadLetterTopic(sub.topic, sub.group);

  async function settle(message: KafkaMessage, outcome: Outcome): Promise<Verdict> {
    switch (outcome.action) {
      case 'abandon':
        return 'stop';
      case 'ack':
        return 'done';
      case 'retry':
        await deps.send(
          retryTopic,
          withDeliveryHeaders(message, {
            [DELIVERY.attempt]: outcome.nextAttempt,
            [DELIVERY.retryAt]: Date.now() + outcome.delayMs,
            [DELIVERY.error]: outcome.error,
          }),
        );
        return 'done';
      case 'dead-letter':
        await deps.send(deadLetterTopic, withDeliveryHeaders(message, deadLetterHeaders(sub.topic, sub.group, outcome.reason, outcome.attempts, outcome.error)));
        deps.dispatcher.deadLettered(sub.topic, sub.group, outcome.reason);
        return 'done';
    }
  }

  return new ConsumerRunner({
    kafka: deps.kafka,
    groupId: sub.group,
    topics: [sub.topic, retryTopic],
    settings: deps.settings,
    logger: deps.logger,
    async handle(topic, message) {
      const attempt = topic === retryTopic ? kafkaAttempt(message) : 1;
      if (topic === retryTopic) {
        const notBefore = kafkaRetryAt(message);
        if (notBefore > Date.now()) return { notBefore };
      }
      const decoded = decodeKafka(message);
      if (!decoded.ok) {
        deps.logger.error('dead-lettering a message that is not a readable CloudEvent', { topic, offset: message.offset, err: decoded.error });
        return settle(message, { action: 'dead-letter', reason: 'malformed', attempts: attempt, error: decoded.error });
      }
      if (!sub.matches(decoded.event.type)) return 'done';
      return settle(message, await deps.dispatcher.dispatch(sub, decoded.event, attempt));
    },
  });
}

/**
 * Reads `<topic>.<group>.dlt` in the group `<group>.dead-letters`. Kafka keeps
 * the letters after they are read (retention applies), so replay tools can
 * re-read them with another group.
 */
export function deadLetterRunner(sub: DeadLetterSubscription, deps: KafkaConsumerDeps): ConsumerRunner {
  return new ConsumerRunner({
    kafka: deps.kafka,
    groupId: `${sub.group}.dead-letters`,
    topics: [kafkaNames.deadLetterTopic(sub.topic, sub.group)],
    settings: deps.settings,
    logger: deps.logger,
    async handle(_topic, message) {
      const letter = deadLetterFromKafka(message, sub.topic, sub.group);
      const outcome = await deps.dispatcher.track(async () => {
        await sub.handler(letter);
        return { action: 'ack' };
      });
      // A throwing handler propagates: the letter stays uncommitted and kafkajs retries it.
      return outcome.action === 'abandon' ? 'stop' : 'done';
    },
  });
}
