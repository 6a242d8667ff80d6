import { Kafka, type Admin, type Message, type Producer } from 'kafkajs';
import type { HealthCheck } from '../../health/index.js';
import type { Logger } from '../../logging/logger.js';
import { jitteredDelay, sleep } from '../backoff.js';
import type { CloseOptions, DeadLetterHandler, EventBus, EventBusDeps, EventHandler, SubscribeOptions } from '../bus.js';
import { assertValidEvent, encodeData, type CloudEvent } from '../cloudevent.js';
import { describeError, Dispatcher } from '../dispatch.js';
import { EVENT_BUS_CLOSED, EVENT_BUS_UNAVAILABLE } from '../errors.js';
import { eventMetrics, type EventMetrics, trackPublish } from '../metrics.js';
import type { EventBusSettings } from '../settings.js';
import { assertNames, assertTopic, resolveSubscription, SubscriptionList, type DeadLetterSubscription, type Subscription } from '../subscription.js';
import { withPublishSpan } from '../trace.js';
import { encodeKafka } from './binding.js';
import type { ConsumerRunner } from './consumer-runner.js';
import { kafkajsLogCreator, sendError, withTimeout } from './client.js';
import { deadLetterRunner, subscriptionRunner, type KafkaConsumerDeps } from './subscription-consumer.js';
import { kafkaNames, TopicEnsurer } from './topics.js';

type State = 'new' | 'started' | 'closing' | 'closed';

/**
 * The Kafka binder: a topic per event topic, key = subject, idempotent
 * producer with acks=all, one consumer per subscription in the subscription's
 * group, retry and dead-letter topics per (topic, group), offsets committed
 * only after handling.
 */
export class KafkaEventBus implements EventBus {
  readonly binder = 'kafka';
  readonly #settings: EventBusSettings;
  readonly #logger: Logger;
  readonly #metrics: EventMetrics;
  readonly #dispatcher: Dispatcher;
  readonly #kafka: Kafka;
  readonly #producer: Producer;
  readonly #admin: Admin;
  readonly #topics: TopicEnsurer;
  readonly #subscriptions = new SubscriptionList<Subscription>();
  readonly #deadLetterSubscriptions = new SubscriptionList<DeadLetterSubscription>();
  readonly #runners: { runner: ConsumerRunner; topics: string[]; started: boolean }[] = [];
  readonly #publishes = new Set<Promise<unknown>>();
  readonly #stop = new AbortController();
  #state: State = 'new';
  #connected = false;
  #consuming = true;
  #stopped: Promise<void> | undefined;
  #connecting: Promise<void> | undefined;
  #reconnecting = false;
  #lastError: string | undefined;

  constructor(settings: EventBusSettings, deps: EventBusDeps) {
    this.#settings = settings;
    this.#logger = deps.logger.child({ component: 'events', binder: 'kafka' });
    this.#metrics = eventMetrics(deps.registry);
    this.#dispatcher = new Dispatcher('kafka', this.#metrics, this.#logger);
    const { reconnect } = settings;
    this.#kafka = new Kafka({
      clientId: deps.service,
      brokers: settings.kafka.brokers,
      connectionTimeout: Math.min(settings.publisher.timeoutMs, 10_000),
      retry: { initialRetryTime: reconnect.initialMs, maxRetryTime: reconnect.maxMs, multiplier: reconnect.multiplier, retries: 5 },
      logCreator: kafkajsLogCreator(this.#logger),
    });
    // Idempotent with acks=all and one request in flight: retries inside the
    // producer never duplicate or reorder a partition's records. Retries are
    // bounded (kafkajs's default for idempotence is unbounded) so a publish
    // fails while the broker is down instead of hanging; the caller or the
    // outbox retries, and consumers deduplicate on the event id.
    this.#producer = this.#kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: reconnect.initialMs, maxRetryTime: reconnect.maxMs, multiplier: reconnect.multiplier, retries: 5 },
    });
    this.#admin = this.#kafka.admin();
    this.#topics = new TopicEnsurer(() => this.#admin, settings.kafka.partitions, settings.kafka.replicationFactor);
  }

  subscribe<T = unknown>(topic: string, group: string, handler: EventHandler<T>, opts: SubscribeOptions = {}): void {
    this.#assertOpen();
    const sub = resolveSubscription(topic, group, handler as EventHandler, opts, this.#settings);
    this.#subscriptions.add(sub);
    this.#addRunner(subscriptionRunner(sub, this.#consumerDeps()), [topic, kafkaNames.retryTopic(topic, group), kafkaNames.deadLetterTopic(topic, group)]);
  }

  subscribeDeadLetters(topic: string, group: string, handler: DeadLetterHandler): void {
    this.#assertOpen();
    assertNames(topic, group);
    const sub = { topic, group, handler };
    this.#deadLetterSubscriptions.add(sub);
    this.#addRunner(deadLetterRunner(sub, this.#consumerDeps()), [kafkaNames.deadLetterTopic(topic, group)]);
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'started';
    if (!(await this.#connect())) this.#reconnect();
  }

  async publish(topic: string, event: CloudEvent): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') throw EVENT_BUS_CLOSED(`cannot publish to ${topic}`);
    assertTopic(topic);
    assertValidEvent(event);
    const body = encodeData(event);
    const done = withPublishSpan('kafka', topic, event, async (traced) => {
      if (!this.#connected) throw EVENT_BUS_UNAVAILABLE({ detail: `not connected to Kafka (${this.#lastError ?? 'not started'})` });
      await this.#send(topic, encodeKafka(traced, body));
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
    // drain() first: from here on deliveries are abandoned, so each running
    // batch returns and kafkajs can leave the group.
    const drained = this.#dispatcher.drain(opts.timeoutMs ?? this.#settings.consumer.shutdownTimeoutMs);
    await Promise.all([drained, ...this.#runners.map((r) => r.runner.stop())]);
  }

  async close(opts: CloseOptions = {}): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.#stop.abort();
    await this.stopConsuming(opts);
    await Promise.allSettled([...this.#publishes]);
    await this.#connecting?.catch(() => undefined);
    await Promise.allSettled([this.#producer.disconnect(), this.#admin.disconnect()]);
    this.#connected = false;
    this.#state = 'closed';
  }

  healthCheck(): HealthCheck {
    return {
      name: 'events',
      check: async () => {
        if (this.#state !== 'started') throw new Error(`event bus is ${this.#state}`);
        if (!this.#connected) throw new Error(`Kafka unreachable: ${this.#lastError ?? 'connecting'}`);
        // Answers only if a broker does: the producer's connected flag does not notice a dead broker.
        const cluster = await this.#admin.describeCluster();
        const down = this.#runners.filter((r) => this.#consuming && !r.runner.running);
        if (down.length > 0) throw new Error(`Kafka consumers not in their group: ${down.map((r) => r.runner.describe).join('; ')}`);
        return { binder: 'kafka', brokers: cluster.brokers.length, consumers: this.#runners.length };
      },
    };
  }

  async #send(topic: string, message: Message): Promise<void> {
    await this.#topics.ensure([topic]);
    const timeoutMs = this.#settings.publisher.timeoutMs;
    try {
      await withTimeout(this.#producer.send({ topic, acks: -1, messages: [message] }), timeoutMs);
    } catch (err) {
      throw sendError(err, topic, timeoutMs);
    }
  }

  /** Connects what is not connected yet; true when everything is up. */
  async #connect(): Promise<boolean> {
    const attempt = (async () => {
      if (!this.#connected) {
        await this.#admin.connect();
        await this.#producer.connect();
        this.#connected = true;
        this.#logger.info('connected to Kafka', { brokers: this.#settings.kafka.brokers });
      }
      for (const entry of this.#runners) await this.#startRunner(entry);
    })();
    this.#connecting = attempt;
    try {
      await attempt;
      this.#lastError = undefined;
      return true;
    } catch (err) {
      this.#lastError = describeError(err);
      if (!this.#stop.signal.aborted) this.#logger.warn('could not connect to Kafka', { brokers: this.#settings.kafka.brokers, err: this.#lastError });
      return this.#stop.signal.aborted;
    } finally {
      this.#connecting = undefined;
    }
  }

  #reconnect(): void {
    if (this.#reconnecting) return;
    this.#reconnecting = true;
    void (async () => {
      for (let attempt = 1; !this.#stop.signal.aborted; attempt++) {
        await sleep(jitteredDelay(attempt, this.#settings.reconnect), this.#stop.signal);
        if (this.#stop.signal.aborted || (await this.#connect())) break;
      }
      this.#reconnecting = false;
    })();
  }

  async #startRunner(entry: { runner: ConsumerRunner; topics: string[]; started: boolean }): Promise<void> {
    if (entry.started || !this.#consuming) return;
    await this.#topics.ensure(entry.topics);
    await entry.runner.start();
    entry.started = true;
  }

  #addRunner(runner: ConsumerRunner, topics: string[]): void {
    const entry = { runner, topics, started: false };
    this.#runners.push(entry);
    // Added after start: join now if connected; otherwise the reconnect loop will.
    if (this.#state === 'started' && this.#connected) {
      this.#startRunner(entry).catch((err: unknown) => {
        this.#logger.error('could not start a Kafka consumer', { err: describeError(err), consumer: runner.describe });
        this.#reconnect();
      });
    }
  }

  #consumerDeps(): KafkaConsumerDeps {
    return { kafka: this.#kafka, settings: this.#settings, dispatcher: this.#dispatcher, send: (topic, message) => this.#send(topic, message), logger: this.#logger };
  }

  #assertOpen(): void {
    if (this.#state === 'closing' || this.#state === 'closed') throw EVENT_BUS_CLOSED('cannot subscribe on a closed bus');
  }
}
