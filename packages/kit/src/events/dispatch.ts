import type { Logger } from '../logging/logger.js';
import { isProblemError } from '../errors/problem.js';
import { retryDelay } from './backoff.js';
import type { DeadLetterReason, DeliveryContext } from './bus.js';
import type { CloudEvent } from './cloudevent.js';
import type { EventMetrics } from './metrics.js';
import type { Subscription } from './subscription.js';
import { withProcessSpan } from './trace.js';

/** What a binder does with a delivery once the handler ran. */
export type Outcome =
  | { action: 'ack' }
  | { action: 'retry'; nextAttempt: number; delayMs: number; error: string }
  | { action: 'dead-letter'; reason: DeadLetterReason; attempts: number; error: string }
  /** The bus is closing and gave up on the delivery: leave it unacknowledged so the broker redelivers it. */
  | { action: 'abandon' };

const MAX_ERROR_LENGTH = 1_000;

/** A one-line description of a failure for headers and logs (bounded: headers have size limits). */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? `${isProblemError(err) ? err.code : err.name}: ${err.message}` : String(err);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** Whether a handler error may go away on a later attempt; ProblemErrors say so themselves. */
export function isRetryable(err: unknown): boolean {
  return isProblemError(err) ? err.retryable : true;
}

/** Decides what follows a failed attempt. Pure, so both binders apply the same policy. */
export function afterFailure(err: unknown, attempt: number, sub: Pick<Subscription, 'maxAttempts' | 'backoff'>): Outcome {
  const error = describeError(err);
  if (!isRetryable(err)) return { action: 'dead-letter', reason: 'non-retryable', attempts: attempt, error };
  if (attempt >= sub.maxAttempts) return { action: 'dead-letter', reason: 'max-attempts', attempts: attempt, error };
  return { action: 'retry', nextAttempt: attempt + 1, delayMs: retryDelay(attempt, sub.backoff), error };
}

/**
 * Runs handlers for one bus: tracing, metrics, logging and the retry policy
 * are here once; binders only move bytes. Tracks in-flight deliveries so
 * close() can wait for them, then abandon the stragglers.
 */
export class Dispatcher {
  readonly #inFlight = new Map<Promise<Outcome>, AbortController>();
  #closing = false;

  constructor(
    private readonly system: 'rabbitmq' | 'kafka',
    private readonly metrics: EventMetrics,
    private readonly logger: Logger,
  ) {}

  get closing(): boolean {
    return this.#closing;
  }

  dispatch(sub: Subscription, event: CloudEvent, attempt: number): Promise<Outcome> {
    return this.track((signal) => this.#run(sub, event, attempt, signal));
  }

  /**
   * Runs work close() waits for; resolves `abandon` at once when close gives
   * up on it (the work itself cannot be cancelled, only told via the signal).
   */
  track(work: (signal: AbortSignal) => Promise<Outcome>): Promise<Outcome> {
    if (this.#closing) return Promise.resolve({ action: 'abandon' });
    const controller = new AbortController();
    const abandoned = new Promise<Outcome>((resolve) => {
      controller.signal.addEventListener('abort', () => resolve({ action: 'abandon' }), { once: true });
    });
    const outcome = Promise.race([work(controller.signal), abandoned]);
    this.#inFlight.set(outcome, controller);
    void outcome.then(
      () => this.#inFlight.delete(outcome),
      () => this.#inFlight.delete(outcome),
    );
    return outcome;
  }

  async #run(sub: Subscription, event: CloudEvent, attempt: number, signal: AbortSignal): Promise<Outcome> {
    const labels = { topic: sub.topic, group: sub.group };
    const logger = this.logger.child({ event: { id: event.id, type: event.type, subject: event.subject, attempt }, topic: sub.topic, group: sub.group });
    const ctx: DeliveryContext = { topic: sub.topic, group: sub.group, attempt, maxAttempts: sub.maxAttempts, signal, logger };
    const stopTimer = this.metrics.handlerSeconds.startTimer(labels);
    try {
      await withProcessSpan(this.system, sub.topic, sub.group, event, attempt, () => sub.handler(event, ctx));
      stopTimer();
      if (signal.aborted) return { action: 'abandon' };
      this.metrics.consumed.inc(labels);
      return { action: 'ack' };
    } catch (err) {
      stopTimer();
      if (signal.aborted) return { action: 'abandon' };
      this.metrics.failed.inc(labels);
      const outcome = afterFailure(err, attempt, sub);
      const fields = { err: describeError(err), outcome: outcome.action, ...(outcome.action === 'retry' && { retryInMs: outcome.delayMs }) };
      if (outcome.action === 'retry') logger.warn('event handler failed; will retry', fields);
      else logger.error('event handler failed; dead-lettering the event', fields);
      return outcome;
    }
  }

  /** Counts a message the binder moved to the dead letters. */
  deadLettered(topic: string, group: string, reason: DeadLetterReason): void {
    this.metrics.deadLettered.inc({ topic, group, reason });
  }

  /**
   * Stops new deliveries, waits up to timeoutMs for running handlers, then
   * aborts the rest (their messages stay unacknowledged and are redelivered).
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#closing = true;
    if (this.#inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([Promise.allSettled([...this.#inFlight.keys()]).then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.logger.warn('abandoning event handlers still running at shutdown; their events will be redelivered', { count: this.#inFlight.size });
      for (const controller of this.#inFlight.values()) controller.abort();
    }
  }
}
