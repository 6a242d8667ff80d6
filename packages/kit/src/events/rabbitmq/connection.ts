import { hostname } from 'node:os';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Logger } from '../../logging/logger.js';
import { jitteredDelay, sleep } from '../backoff.js';
import { describeError } from '../dispatch.js';
import type { BackoffSettings } from '../settings.js';

export interface RabbitConnectionOptions {
  url: string;
  /** Shown in the management UI (connection_name), so operators can tell services apart. */
  service: string;
  reconnect: BackoffSettings;
  connectTimeoutMs: number;
  logger: Logger;
  /** Declares topology and starts consumers on a fresh connection; throwing makes the connection retry. */
  onConnect(model: ChannelModel): Promise<void>;
  /** The connection is gone: drop everything bound to it (its channels are dead). */
  onDisconnect(): void;
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * One AMQP connection kept alive: on loss it reconnects with jittered
 * exponential backoff and runs onConnect again, so consumers and topology
 * come back by themselves. Channels do not survive their connection, so
 * everything built on one is rebuilt rather than repaired.
 */
export class RabbitConnection {
  readonly #opts: RabbitConnectionOptions;
  readonly #stop = new AbortController();
  #model: ChannelModel | undefined;
  #publisher: ConfirmChannel | undefined;
  #connected = false;
  #closed = false;
  #reconnecting = false;
  #lastError: string | undefined;

  constructor(opts: RabbitConnectionOptions) {
    this.#opts = opts;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** The confirm channel publishes go through, while connected. */
  get publisher(): ConfirmChannel | undefined {
    return this.#connected ? this.#publisher : undefined;
  }

  get model(): ChannelModel | undefined {
    return this.#connected ? this.#model : undefined;
  }

  /** Connects once; if that fails, keeps retrying in the background. */
  async start(): Promise<void> {
    if (!(await this.#attempt())) this.#reconnect();
  }

  /** Drops the connection and builds a new one (a channel died under us). */
  reset(reason: string): void {
    const model = this.#model;
    if (!this.#connected || !model) return;
    this.#opts.logger.warn('resetting the RabbitMQ connection', { reason });
    void model.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#connected = false;
    this.#stop.abort();
    const model = this.#model;
    this.#model = undefined;
    this.#publisher = undefined;
    await model?.close().catch(() => undefined);
  }

  async #attempt(): Promise<boolean> {
    const { logger } = this.#opts;
    let model: ChannelModel | undefined;
    try {
      model = await amqp.connect(this.#opts.url, {
        timeout: this.#opts.connectTimeoutMs,
        clientProperties: { connection_name: `${this.#opts.service} (${hostname()} pid ${process.pid})` },
      });
      const current = model;
      current.on('error', (err: Error) => logger.warn('RabbitMQ connection error', { err: err.message }));
      current.on('close', () => this.#lost(current));
      current.on('blocked', (reason: string) => logger.warn('RabbitMQ blocked publishing (resource alarm)', { reason }));
      current.on('unblocked', () => logger.info('RabbitMQ unblocked publishing'));
      const publisher = await current.createConfirmChannel();
      publisher.on('error', (err: Error) => logger.warn('RabbitMQ publisher channel error', { err: err.message }));
      publisher.on('close', () => {
        if (this.#model === current) this.reset('publisher channel closed');
      });
      this.#model = current;
      this.#publisher = publisher;
      await this.#opts.onConnect(current);
      if (this.#closed) {
        await current.close().catch(() => undefined);
        return true;
      }
      this.#connected = true;
      this.#lastError = undefined;
      logger.info('connected to RabbitMQ', { url: redactUrl(this.#opts.url) });
      return true;
    } catch (err) {
      this.#lastError = describeError(err);
      this.#model = undefined;
      this.#publisher = undefined;
      await model?.close().catch(() => undefined);
      if (!this.#closed) logger.warn('could not connect to RabbitMQ', { url: redactUrl(this.#opts.url), err: this.#lastError });
      return this.#closed;
    }
  }

  #lost(model: ChannelModel): void {
    // Only a connection that was fully up counts as lost; a failure during
    // #attempt is handled by #attempt's caller.
    if (this.#closed || model !== this.#model || !this.#connected) return;
    this.#connected = false;
    this.#model = undefined;
    this.#publisher = undefined;
    this.#lastError = 'connection lost';
    this.#opts.logger.warn('lost the RabbitMQ connection; reconnecting');
    this.#opts.onDisconnect();
    this.#reconnect();
  }

  #reconnect(): void {
    if (this.#reconnecting || this.#closed) return;
    this.#reconnecting = true;
    void (async () => {
      for (let attempt = 1; !this.#closed; attempt++) {
        await sleep(jitteredDelay(attempt, this.#opts.reconnect), this.#stop.signal);
        if (this.#closed) break;
        if (await this.#attempt()) break;
      }
      // Runs in the same microtask as the successful attempt, before any
      // socket event, so a loss right after it still starts a new loop.
      this.#reconnecting = false;
    })();
  }
}
