import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import type { HealthCheck } from '../../health/index.js';
import type { Logger } from '../../logging/logger.js';
import type { CloseOptions, DeadLetterHandler, EventBus, EventBusDeps, EventHandler, SubscribeOptions } from '../bus.js';
import { assertValidEvent, encodeData, type CloudEvent } from '../cloudevent.js';
import { Dispatcher } from '../dispatch.js';
import { EVENT_BUS_CLOSED, EVENT_BUS_UNAVAILABLE, EVENT_PUBLISH_FAILED, EVENT_PUBLISH_TIMEOUT } from '../errors.js';
import { eventMetrics, type EventMetrics, trackPublish } from '../metrics.js';
import type { EventBusSettings } from '../settings.js';
import { assertNames, assertTopic, resolveSubscription, SubscriptionList, type DeadLetterSubscription, type Subscription } from '../subscription.js';
import { withPublishSpan } from '../trace.js';
import { encodeAmqp } from './binding.js';
import { RabbitConnection } from './connection.js';
import { RabbitConsumer } from './consumer.js';
import { RabbitDeadLetterConsumer } from './dead-letter-consumer.js';
import { declareExchange } from './topology.js';

type State = 'new' | 'started' | 'closing' | 'closed';

/**
 * The RabbitMQ binder: publisher confirms on a confirm channel, persistent
 * messages, durable topology, manual acks, retries through delay queues,
 * dead letters in `<group>.<topic>.dlq`, reconnect with backoff.
 */
export class RabbitEventBus implements EventBus {
  readonly binder = 'rabbitmq';
  readonly #settings: EventBusSettings;
  readonly #logger: Logger;
  readonly #metrics: EventMetrics;
  readonly #dispatcher: Dispatcher;
  readonly #connection: RabbitConnection;
  readonly #subscriptions = new SubscriptionList<Subscription>();
  readonly #deadLetterSubscriptions = new SubscriptionList<DeadLetterSubscription>();
  readonly #publishes = new Set<Promise<unknown>>();
  // Exchanges declared on the current connection (a new connection re-declares).
  #declared = new Set<string>();
  #consumers: (RabbitConsumer | RabbitDeadLetterConsumer)[] = [];
  #state: State = 'new';
  #consuming = true;
  #stopped: Promise<void> | undefined;

  constructor(settings: EventBusSettings, deps: EventBusDeps) {
    this.#settings = settings;
    this.#logger = deps.logger.child({ component: 'events', binder: 'rabbitmq' });
    this.#metrics = eventMetrics(deps.registry);
    this.#dispatcher = new Dispatcher('rabbitmq', this.#metrics, this.#logger);
    this.#connection = new RabbitConnection({
      url: settings.rabbitmq.url,
      service: deps.service,
      reconnect: settings.reconnect,
      // A connect that takes longer than a publish may wait is as good as down.
      connectTimeoutMs: settings.publisher.timeoutMs,
      logger: this.#logger,
      onConnect: (model) => this.#onConnect(model),
      onDisconnect: () => this.#onDisconnect(),
    });
  }

  subscribe<T = unknown>(topic: string, group: string, handler: EventHandler<T>, opts: SubscribeOptions = {}): void {
    this.#assertOpen();
    const sub = resolveSubscription(topic, group, handler as EventHandler, opts, this.#settings);
    this.#subscriptions.add(sub);
    this.#attachLate(new RabbitConsumer(sub, this.#consumerDeps()));
  }

  subscribeDeadLetters(topic: string, group: string, handler: DeadLetterHandler): void {
    this.#assertOpen();
    assertNames(topic, group);
    const sub = { topic, group, handler };
    this.#deadLetterSubscriptions.add(sub);
    this.#attachLate(new RabbitDeadLetterConsumer(sub, this.#deadLetterDeps()));
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'started';
    await this.#connection.start();
  }

  async publish(topic: string, event: CloudEvent): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') throw EVENT_BUS_CLOSED(`cannot publish to ${topic}`);
    assertTopic(topic);
    assertValidEvent(event);
    const body = encodeData(event);
    const done = withPublishSpan('rabbitmq', topic, event, async (traced) => {
      const channel = this.#connection.publisher;
      const model = this.#connection.model;
      if (!channel || !model) throw EVENT_BUS_UNAVAILABLE({ detail: `not connected to RabbitMQ (${this.#connection.lastError ?? 'not started'})` });
      await this.#ensureExchange(model, topic);
      const { content, options } = encodeAmqp(traced, body);
      await this.#confirm(channel, topic, traced.type, content, options);
    });
    await trackPublish(this.#publishes, this.#metrics, topic, done);
  }

  stopConsuming(opts: CloseOptions = {}): Promise<void> {
    // One stop for all callers: close() during a stop waits for the same drain.
    this.#stopped ??= this.#stopConsuming(opts);
    return this.#stopped;
  }

  async #stopConsuming(opts: CloseOptions): Promise<void> {
    this.#consuming = false;
    const consumers = this.#consumers;
    await Promise.all(consumers.map((c) => (c instanceof RabbitConsumer ? c.cancel() : undefined)));
    await this.#dispatcher.drain(opts.timeoutMs ?? this.#settings.consumer.shutdownTimeoutMs);
    // Acks of finished handlers went out on these channels; closing them
    // returns whatever was abandoned to the queues.
    await Promise.all(consumers.map((c) => c.close()));
    this.#consumers = [];
  }

  async close(opts: CloseOptions = {}): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    await this.stopConsuming(opts);
    await Promise.allSettled([...this.#publishes]);
    await this.#connection.close();
    this.#state = 'closed';
  }

  healthCheck(): HealthCheck {
    return {
      name: 'events',
      check: async () => {
        if (this.#state !== 'started') throw new Error(`event bus is ${this.#state}`);
        if (!this.#connection.connected) throw new Error(`RabbitMQ unreachable: ${this.#connection.lastError ?? 'connecting'}`);
        return { binder: 'rabbitmq', consumers: this.#consumers.length };
      },
    };
  }

  async #onConnect(model: ChannelModel): Promise<void> {
    this.#declared = new Set();
    this.#consumers = [];
    if (!this.#consuming) return;
    // Loops until every subscription has a consumer: one added while this
    // connection was being set up is not attached late (not connected yet).
    const started = new Set<object>();
    for (;;) {
      type Pending = [object, () => RabbitConsumer | RabbitDeadLetterConsumer];
      const pending = [
        ...this.#subscriptions.all.map((s): Pending => [s, () => new RabbitConsumer(s, this.#consumerDeps())]),
        ...this.#deadLetterSubscriptions.all.map((s): Pending => [s, () => new RabbitDeadLetterConsumer(s, this.#deadLetterDeps())]),
      ].filter(([s]) => !started.has(s));
      if (pending.length === 0) return;
      for (const [sub, create] of pending) {
        started.add(sub);
        const consumer = create();
        this.#consumers.push(consumer);
        await consumer.start(model);
      }
    }
  }

  #onDisconnect(): void {
    // Their channels died with the connection; unacked messages are back in
    // the queues. Handlers still running finish, but their acks are dropped.
    this.#consumers = [];
    this.#declared = new Set();
  }

  /** A subscription added after start joins the live connection (or the next one). */
  #attachLate(consumer: RabbitConsumer | RabbitDeadLetterConsumer): void {
    const model = this.#connection.model;
    if (this.#state !== 'started' || !model || !this.#consuming) return;
    this.#consumers.push(consumer);
    consumer.start(model).catch((err: unknown) => this.#connection.reset(`could not start a consumer: ${String(err)}`));
  }

  #consumerDeps() {
    return {
      dispatcher: this.#dispatcher,
      publishToQueue: (queue: string, content: Buffer, options: Options.Publish) => {
        const channel = this.#connection.publisher;
        if (!channel) return Promise.reject(EVENT_BUS_UNAVAILABLE('not connected to RabbitMQ'));
        return this.#confirm(channel, '', queue, content, options);
      },
      prefetch: this.#settings.rabbitmq.prefetch,
      logger: this.#logger,
      onLost: (reason: string) => this.#connection.reset(reason),
    };
  }

  #deadLetterDeps() {
    return {
      dispatcher: this.#dispatcher,
      logger: this.#logger,
      retryDelayMs: this.#settings.consumer.backoff.initialMs,
      onLost: (reason: string) => this.#connection.reset(reason),
    };
  }

  // Declared on a throwaway channel: a declaration error (an exchange of
  // another type under the same name) closes that channel, not the publisher.
  async #ensureExchange(model: ChannelModel, topic: string): Promise<void> {
    if (this.#declared.has(topic)) return;
    const ch = await model.createChannel();
    ch.on('error', () => undefined);
    try {
      await declareExchange(ch, topic);
    } catch (err) {
      throw EVENT_PUBLISH_FAILED({ detail: `cannot declare exchange ${topic}: ${String(err)}`, cause: err });
    } finally {
      await ch.close().catch(() => undefined);
    }
    this.#declared.add(topic);
  }

  #confirm(channel: ConfirmChannel, exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const timeoutMs = this.#settings.publisher.timeoutMs;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(EVENT_PUBLISH_TIMEOUT(`no confirm from RabbitMQ within ${timeoutMs} ms`)), timeoutMs);
      try {
        channel.publish(exchange, routingKey, content, options, (err: unknown) => {
          clearTimeout(timer);
          if (err) reject(EVENT_PUBLISH_FAILED({ detail: `RabbitMQ refused the message: ${String(err)}`, cause: err }));
          else resolve();
        });
      } catch (err) {
        clearTimeout(timer);
        reject(EVENT_BUS_UNAVAILABLE({ detail: `RabbitMQ channel unusable: ${String(err)}`, cause: err }));
      }
    });
  }

  #assertOpen(): void {
    if (this.#state === 'closing' || this.#state === 'closed') throw EVENT_BUS_CLOSED('cannot subscribe on a closed bus');
  }
}
