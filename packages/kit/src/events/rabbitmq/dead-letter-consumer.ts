import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../../logging/logger.js';
import { sleep } from '../backoff.js';
import { describeError, type Dispatcher } from '../dispatch.js';
import type { DeadLetterSubscription } from '../subscription.js';
import { deadLetterFromAmqp } from './binding.js';
import { declareDeadLetterQueue, rabbitNames } from './topology.js';

/**
 * Consumes `<group>.<topic>.dlq` one message at a time. Acknowledging removes
 * the letter from the queue (RabbitMQ queues are not logs), so the handler
 * should store or replay it before it resolves; a failing handler gets the
 * letter back after a pause.
 */
export class RabbitDeadLetterConsumer {
  readonly #stop = new AbortController();
  #channel: Channel | undefined;
  #open = false;
  #stopping = false;

  constructor(
    private readonly sub: DeadLetterSubscription,
    private readonly deps: { dispatcher: Dispatcher; logger: Logger; retryDelayMs: number; onLost(reason: string): void },
  ) {}

  async start(model: ChannelModel): Promise<void> {
    const ch = await model.createChannel();
    this.#channel = ch;
    this.#open = true;
    const queue = rabbitNames.deadLetterQueue(this.sub.topic, this.sub.group);
    ch.on('error', (err: Error) => this.deps.logger.warn('RabbitMQ dead-letter channel error', { err: err.message, queue }));
    ch.on('close', () => {
      this.#open = false;
      if (!this.#stopping) this.deps.onLost(`dead-letter channel of ${queue} closed`);
    });
    await declareDeadLetterQueue(ch, this.sub.topic, this.sub.group);
    await ch.prefetch(1);
    await ch.consume(queue, (msg) => void this.#handle(ch, msg), { noAck: false });
  }

  async #handle(ch: Channel, msg: ConsumeMessage | null): Promise<void> {
    if (msg === null) {
      if (!this.#stopping) this.deps.onLost('RabbitMQ cancelled a dead-letter consumer');
      return;
    }
    const letter = deadLetterFromAmqp(msg, this.sub.topic, this.sub.group);
    const outcome = await this.deps.dispatcher.track(async () => {
      try {
        await this.sub.handler(letter);
        return { action: 'ack' };
      } catch (err) {
        this.deps.logger.warn('dead-letter handler failed; the letter stays queued', { err: describeError(err), topic: letter.topic, group: letter.group });
        return { action: 'retry', nextAttempt: letter.attempts, delayMs: this.deps.retryDelayMs, error: describeError(err) };
      }
    });
    if (outcome.action === 'abandon' || !this.#open) return;
    if (outcome.action === 'retry') await sleep(outcome.delayMs, this.#stop.signal);
    try {
      if (outcome.action === 'ack') ch.ack(msg);
      else ch.nack(msg, false, true);
    } catch {
      // Channel closed meanwhile; the broker requeued the letter.
    }
  }

  async close(): Promise<void> {
    this.#stopping = true;
    this.#stop.abort();
    const ch = this.#channel;
    this.#channel = undefined;
    if (ch && this.#open) await ch.close().catch(() => undefined);
  }
}
