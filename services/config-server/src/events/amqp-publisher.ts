import { connect, type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from '@nimbus/kit';
import { redactUrl } from '../git/git.js';
import type { RefreshEvent, RefreshPublisher } from './refresh.js';

export interface AmqpPublisherOptions {
  url: string;
  exchange: string;
  routingKey: string;
  /** Bound on waiting for the broker's confirm. */
  confirmTimeoutMs?: number;
  logger: Logger;
}

/**
 * Publishes refresh events to a durable topic exchange with publisher
 * confirms. The connection recovers by itself (amqplib's recovery, with
 * backoff); while it is down publish() rejects, and the caller keeps the
 * event to retry. Structured CloudEvents JSON, with the attributes also as
 * AMQP properties so the management UI shows them.
 */
export class AmqpRefreshPublisher implements RefreshPublisher {
  readonly #opts: AmqpPublisherOptions;
  #model: RecoveringChannelModel | undefined;
  #channel: ConfirmChannel | undefined;
  #lastError: string | undefined;

  private constructor(opts: AmqpPublisherOptions) {
    this.#opts = opts;
  }

  /** Starts connecting in the background; never fails the boot when the broker is down. */
  static async start(opts: AmqpPublisherOptions): Promise<AmqpRefreshPublisher> {
    const publisher = new AmqpRefreshPublisher(opts);
    const { exchange, logger } = opts;
    const model = await connect(opts.url, {
      clientProperties: { connection_name: 'config-server refresh publisher' },
      recovery: {
        waitForConnect: false,
        initialDelay: 500,
        maxDelay: 30_000,
        setup: async (conn: ChannelModel) => {
          const channel = await conn.createConfirmChannel();
          channel.on('error', (err: Error) => (publisher.#lastError = err.message));
          channel.on('close', () => {
            if (publisher.#channel === channel) publisher.#channel = undefined;
          });
          await channel.assertExchange(exchange, 'topic', { durable: true });
          publisher.#channel = channel;
          publisher.#lastError = undefined;
          logger.info('refresh publisher connected', { 'messaging.destination.name': exchange });
        },
      },
    });
    model.on('error', (err: Error) => (publisher.#lastError = err.message));
    model.on('disconnect', (err: Error) => {
      publisher.#lastError = err.message;
      logger.warn('refresh publisher lost the broker; reconnecting', { 'error.message': err.message });
    });
    model.on('reconnect-scheduled', (info: { attempt: number; error: Error }) => {
      publisher.#lastError = info.error.message;
      if (info.attempt === 1 || info.attempt % 10 === 0) logger.warn('refresh publisher cannot reach the broker', { 'error.message': redactUrl(info.error.message), 'event.sequence': info.attempt });
    });
    publisher.#model = model;
    return publisher;
  }

  async publish(event: RefreshEvent): Promise<void> {
    const channel = this.#channel;
    if (!channel) throw new Error(`not connected to the broker${this.#lastError ? `: ${redactUrl(this.#lastError)}` : ''}`);
    const body = Buffer.from(JSON.stringify(event));
    const timeoutMs = this.#opts.confirmTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the broker did not confirm within ${timeoutMs} ms`)), timeoutMs);
      channel.publish(
        this.#opts.exchange,
        this.#opts.routingKey,
        body,
        {
          persistent: true,
          contentType: 'application/cloudevents+json',
          messageId: event.id,
          type: event.type,
          appId: event.source,
          timestamp: Math.floor(Date.parse(event.time) / 1000),
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (err) reject(err instanceof Error ? err : new Error('the broker refused the event'));
          else resolve();
        },
      );
    });
  }

  async check(): Promise<Record<string, unknown>> {
    if (!this.#channel) throw new Error(`broker unreachable${this.#lastError ? `: ${redactUrl(this.#lastError)}` : ''}`);
    return { exchange: this.#opts.exchange, routingKey: this.#opts.routingKey };
  }

  async close(): Promise<void> {
    const model = this.#model;
    this.#model = undefined;
    this.#channel = undefined;
    await model?.close();
  }
}
