import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../../logging/logger.js';
import { jitteredDelay, sleep } from '../backoff.js';
import { describeError } from '../dispatch.js';
import type { EventBusSettings } from '../settings.js';
import { subscriptionAwareAssigner } from './assigner.js';

/**
 * What to do with the message after `handle`:
 * - `done`: processed (or moved to retry/dead letters): commit past it;
 * - `stop`: the bus gave up on it while closing: leave it uncommitted;
 * - `{ notBefore }`: a retry that is not due yet: pause the partition until then.
 */
export type Verdict = 'done' | 'stop' | { notBefore: number };

const HEARTBEAT_WHILE_HANDLING_MS = 3_000;

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  settings: EventBusSettings;
  logger: Logger;
  /** Throwing leaves the message uncommitted; kafkajs retries it, then restarts the consumer. */
  handle(topic: string, message: KafkaMessage): Promise<Verdict>;
}

/**
 * One kafkajs consumer in a group, committing an offset only after its
 * message was handled: a crash before that redelivers. Restarts itself when
 * kafkajs gives up after a non-retriable crash.
 */
export class ConsumerRunner {
  readonly #opts: ConsumerRunnerOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #stop = new AbortController();
  #consumer: Consumer | undefined;
  #running = false;
  #restarting = false;
  #lastError: string | undefined;

  constructor(opts: ConsumerRunnerOptions) {
    this.#opts = opts;
  }

  get running(): boolean {
    return this.#running;
  }

  get describe(): string {
    return `${this.#opts.groupId} on ${this.#opts.topics.join(', ')}${this.#lastError ? ` (${this.#lastError})` : ''}`;
  }

  async start(): Promise<void> {
    if (this.#consumer || this.#stop.signal.aborted) return;
    const { kafka, groupId, topics, settings, logger } = this.#opts;
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: settings.kafka.sessionTimeoutMs,
      maxWaitTimeInMs: settings.kafka.maxWaitTimeMs,
      partitionAssigners: [subscriptionAwareAssigner],
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.#running = true;
      this.#lastError = undefined;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#running = false;
      this.#lastError = describeError(payload.error);
      logger.error('Kafka consumer crashed', { groupId, topics, err: this.#lastError, kafkajsRestarts: payload.restart });
      if (!payload.restart) this.#restart();
    });
    this.#consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: settings.kafka.fromBeginning });
      await consumer.run({
        autoCommit: true,
        // Commit each handled message's offset right away, not on a timer.
        autoCommitThreshold: 1,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: settings.kafka.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.#batch(payload),
      });
    } catch (err) {
      this.#consumer = undefined;
      this.#lastError = describeError(err);
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
  }

  async #batch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.#stop.signal.aborted) return;
      // kafkajs only heartbeats between messages; a handler longer than the
      // session timeout would otherwise cost the partition mid-work.
      const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_WHILE_HANDLING_MS);
      let verdict: Verdict;
      try {
        verdict = await this.#opts.handle(batch.topic, message);
      } finally {
        clearInterval(beat);
      }
      if (verdict === 'stop') return;
      if (typeof verdict === 'object') {
        // Unresolved, so the fetch after resume starts at this message again.
        const resume = pause();
        this.#later(resume, verdict.notBefore - Date.now());
        return;
      }
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  #later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stop.signal.aborted) fn();
    }, Math.max(0, ms));
    this.#timers.add(timer);
  }

  #restart(): void {
    if (this.#restarting || this.#stop.signal.aborted) return;
    this.#restarting = true;
    void (async () => {
      const stale = this.#consumer;
      this.#consumer = undefined;
      await stale?.disconnect().catch(() => undefined);
      for (let attempt = 1; !this.#stop.signal.aborted; attempt++) {
        await sleep(jitteredDelay(attempt, this.#opts.settings.reconnect), this.#stop.signal);
        if (this.#stop.signal.aborted) break;
        try {
          await this.start();
          break;
        } catch (err) {
          this.#opts.logger.warn('could not restart the Kafka consumer', { groupId: this.#opts.groupId, err: describeError(err) });
        }
      }
      this.#restarting = false;
    })();
  }

  /** Leaves the group once the running batch returned (the dispatcher makes sure it does). */
  async stop(): Promise<void> {
    this.#stop.abort();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#running = false;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }
}
