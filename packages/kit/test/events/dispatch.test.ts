import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterFailure, describeError, Dispatcher } from '../../src/events/dispatch.js';
import { createEvent } from '../../src/events/cloudevent.js';
import { EVENT_BUS_UNAVAILABLE, EVENT_REJECTED } from '../../src/events/errors.js';
import { eventMetrics } from '../../src/events/metrics.js';
import { resolveSubscription } from '../../src/events/subscription.js';
import { silentLogger } from '../../src/logging/logger.js';
import { deferred, testSettings } from './support.js';

const policy = { maxAttempts: 3, backoff: { initialMs: 100, maxMs: 1_000, multiplier: 2 } };

describe('afterFailure', () => {
  it('schedules the next attempt with exponential backoff while attempts remain', () => {
    expect(afterFailure(new Error('x'), 1, policy)).toEqual({ action: 'retry', nextAttempt: 2, delayMs: 100, error: 'Error: x' });
    expect(afterFailure(new Error('x'), 2, policy)).toMatchObject({ action: 'retry', nextAttempt: 3, delayMs: 200 });
  });

  it('dead-letters once the last attempt failed', () => {
    expect(afterFailure(new Error('x'), 3, policy)).toEqual({ action: 'dead-letter', reason: 'max-attempts', attempts: 3, error: 'Error: x' });
  });

  it('dead-letters at once what the handler declares non-retryable, and retries retryable problems', () => {
    expect(afterFailure(EVENT_REJECTED('bad sku'), 1, policy)).toMatchObject({ action: 'dead-letter', reason: 'non-retryable', attempts: 1 });
    expect(afterFailure(EVENT_BUS_UNAVAILABLE(), 1, policy)).toMatchObject({ action: 'retry' });
  });
});

describe('describeError', () => {
  it('names problem codes and bounds the length (it travels in a header)', () => {
    expect(describeError(EVENT_REJECTED('bad sku'))).toBe('EVENT_REJECTED: The consumer rejected the event: bad sku');
    expect(describeError(new Error('y'.repeat(5_000)))).toHaveLength(1_000);
  });
});

describe('Dispatcher', () => {
  const registry = new Registry();
  const metrics = eventMetrics(registry);
  const sub = (handler: Parameters<typeof resolveSubscription>[2]) => resolveSubscription('orders', 'billing', handler, {}, testSettings());
  const event = createEvent({ type: 'order.created', source: 's', subject: 'o1', data: {} });

  beforeEach(() => {
    registry.resetMetrics();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('acknowledges after the handler resolves and counts it as consumed', async () => {
    const d = new Dispatcher('rabbitmq', metrics, silentLogger);
    expect(await d.dispatch(sub(async () => undefined), event, 1)).toEqual({ action: 'ack' });
    expect((await metrics.consumed.get()).values).toEqual([expect.objectContaining({ value: 1, labels: { topic: 'orders', group: 'billing' } })]);
  });

  it('hands the handler its attempt, limits and a logger', async () => {
    const d = new Dispatcher('kafka', metrics, silentLogger);
    const seen = deferred<unknown>();
    await d.dispatch(sub(async (_e, ctx) => seen.resolve({ attempt: ctx.attempt, max: ctx.maxAttempts, group: ctx.group })), event, 2);
    expect(await seen.promise).toEqual({ attempt: 2, max: 3, group: 'billing' });
  });

  it('waits for running handlers at drain', async () => {
    const d = new Dispatcher('rabbitmq', metrics, silentLogger);
    const gate = deferred();
    const outcome = d.dispatch(sub(() => gate.promise), event, 1);
    let drained = false;
    const drain = d.drain(10_000).then(() => (drained = true));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(drained).toBe(false);
    gate.resolve();
    await drain;
    expect(await outcome).toEqual({ action: 'ack' });
  });

  it('abandons handlers still running when the drain timeout passes, and aborts their signal', async () => {
    const d = new Dispatcher('rabbitmq', metrics, silentLogger);
    let signal: AbortSignal | undefined;
    const outcome = d.dispatch(
      sub(async (_e, ctx) => {
        signal = ctx.signal;
        await new Promise(() => undefined);
      }),
      event,
      1,
    );
    const drain = d.drain(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    await drain;
    expect(await outcome).toEqual({ action: 'abandon' });
    expect(signal?.aborted).toBe(true);
  });

  it('starts no new handler once draining', async () => {
    const d = new Dispatcher('rabbitmq', metrics, silentLogger);
    await d.drain(0);
    const handler = vi.fn(async () => undefined);
    expect(await d.dispatch(sub(handler), event, 1)).toEqual({ action: 'abandon' });
    expect(handler).not.toHaveBeenCalled();
  });
});
