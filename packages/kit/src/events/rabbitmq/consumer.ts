import type { Channel, ChannelModel, ConsumeMessage, Options } from 'amqplib';
import type { Logger } from '../../logging/logger.js';
import { deadLetterHeaders, DELIVERY } from '../delivery-headers.js';
import type { Dispatcher, Outcome } from '../dispatch.js';
import { KeyedSerial } from '../keyed-serial.js';
import type { Subscription } from '../subscription.js';
import { attemptOf, decodeAmqp, republishOptions, subjectOf } from './binding.js';
import { declareSubscription, rabbitNames } from './topology.js';

/** Publishes to a queue through the default exchange and waits for the broker's confirm. */
export type QueuePublisher = (queue: string, content: Buffer, options: Options.Publish) => Promise<void>;

export interface RabbitConsumerDeps {
  dispatcher: Dispatcher;
  publishToQueue: QueuePublisher;
  prefetch: number;
  logger: Logger;
  /** The channel died while we still wanted it: rebuild the connection. */
  onLost(reason: string): void;
}

/**
 * One subscription's consumer on its own channel (so prefetch and channel
 * errors stay per subscription). Manual acks: a message is acknowledged only
 * after its handler succeeded or after it was safely re-published to a delay
 * queue or the dead-letter queue; anything else is redelivered by the broker
 * when the channel closes.
 */
export class RabbitConsumer {
  readonly #serial = new KeyedSerial();
  #channel: Channel | undefined;
  #consumerTag: string | undefined;
  #open = false;
  #stopping = false;

  constructor(
    private readonly sub: Subscription,
    private readonly deps: RabbitConsumerDeps,
  ) {}

  async start(model: ChannelModel): Promise<void> {
    const ch = await model.createChannel();
    this.#channel = ch;
    this.#open = true;
    ch.on('error', (err: Error) => this.deps.logger.warn('RabbitMQ consumer channel error', { err: err.message, queue: this.#queue }));
    ch.on('close', () => {
      this.#open = false;
      if (!this.#stopping) this.deps.onLost(`consumer channel of ${this.#queue} closed`);
    });
    await declareSubscription(ch, this.sub);
    await ch.prefetch(this.deps.prefetch);
    const { consumerTag } = await ch.consume(this.#queue, (msg) => this.#receive(ch, msg), { noAck: false });
    this.#consumerTag = consumerTag;
  }

  get #queue(): string {
    return rabbitNames.queue(this.sub.topic, this.sub.group);
  }

  /** Stops new deliveries; messages already held stay unacknowledged until close. */
  async cancel(): Promise<void> {
    this.#stopping = true;
    const ch = this.#channel;
    if (ch && this.#open && this.#consumerTag) await ch.cancel(this.#consumerTag).catch(() => undefined);
  }

  /** Closes the channel: whatever it still holds unacknowledged goes back to the queue. */
  async close(): Promise<void> {
    this.#stopping = true;
    const ch = this.#channel;
    this.#channel = undefined;
    if (ch && this.#open) await ch.close().catch(() => undefined);
  }

  #receive(ch: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled us (queue deleted, or node failure).
      if (!this.#stopping) this.deps.onLost(`RabbitMQ cancelled the consumer of ${this.#queue}`);
      return;
    }
    const key = subjectOf(msg) ?? String(msg.properties.messageId ?? msg.fields.deliveryTag);
    void this.#serial.run(key, () => this.#handle(ch, msg)).catch((err: unknown) => {
      // Only reachable through a bug (every path settles the message); leaving
      // it unacknowledged means the broker redelivers it on reconnect.
      this.deps.logger.error('unexpected failure handling a RabbitMQ delivery', { err: String(err), queue: this.#queue });
    });
  }

  async #handle(ch: Channel, msg: ConsumeMessage): Promise<void> {
    const attempt = attemptOf(msg);
    const decoded = decodeAmqp(msg);
    if (!decoded.ok) {
      this.deps.logger.error('dead-lettering a message that is not a readable CloudEvent', { queue: this.#queue, err: decoded.error });
      await this.#settle(ch, msg, { action: 'dead-letter', reason: 'malformed', attempts: attempt, error: decoded.error });
      return;
    }
    if (!this.sub.matches(decoded.event.type)) {
      this.#ack(ch, msg);
      return;
    }
    await this.#settle(ch, msg, await this.deps.dispatcher.dispatch(this.sub, decoded.event, attempt));
  }

  async #settle(ch: Channel, msg: ConsumeMessage, outcome: Outcome): Promise<void> {
    const { topic, group } = this.sub;
    switch (outcome.action) {
      case 'abandon':
        return;
      case 'ack':
        this.#ack(ch, msg);
        return;
      case 'retry': {
        const queue = rabbitNames.delayQueue(topic, group, outcome.delayMs);
        const options = republishOptions(msg.properties, { [DELIVERY.attempt]: outcome.nextAttempt, [DELIVERY.error]: outcome.error });
        await this.#forward(ch, msg, queue, options);
        return;
      }
      case 'dead-letter': {
        const options = republishOptions(msg.properties, deadLetterHeaders(topic, group, outcome.reason, outcome.attempts, outcome.error));
        if (await this.#forward(ch, msg, rabbitNames.deadLetterQueue(topic, group), options)) {
          this.deps.dispatcher.deadLettered(topic, group, outcome.reason);
        }
        return;
      }
    }
  }

  /** Re-publishes, then acknowledges the original; if the re-publish fails, the original is requeued instead. */
  async #forward(ch: Channel, msg: ConsumeMessage, queue: string, options: Options.Publish): Promise<boolean> {
    try {
      await this.deps.publishToQueue(queue, msg.content, options);
    } catch (err) {
      this.deps.logger.warn('could not move a message to its retry or dead-letter queue; requeueing it', { queue, err: String(err) });
      if (this.#open) {
        try {
          ch.nack(msg, false, true);
        } catch {
          // Channel closed meanwhile: the broker requeues it anyway.
        }
      }
      return false;
    }
    this.#ack(ch, msg);
    return true;
  }

  #ack(ch: Channel, msg: ConsumeMessage): void {
    // After a reconnect the delivery tag belongs to a dead channel; the broker
    // has already requeued the message, so there is nothing left to do.
    if (!this.#open) return;
    try {
      ch.ack(msg);
    } catch {
      // Closed between the check and the ack: same as above.
    }
  }
}
