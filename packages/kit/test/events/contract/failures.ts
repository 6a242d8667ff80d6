import { expect, it } from 'vitest';
import type { DeadLetter } from '../../../src/events/bus.js';
import type { CloudEvent } from '../../../src/events/cloudevent.js';
import { EVENT_REJECTED } from '../../../src/events/errors.js';
import { eventually } from '../../support/endpoints.js';
import { deferred, testDeps } from '../support.js';
import type { ContractContext } from './context.js';

/** Crashes, retries and dead letters. */
export function failureCases(c: ContractContext): void {
  it('redelivers to the same group an event whose consumer died before acknowledging it', async () => {
    const { topic, group } = c.names();
    const first = c.bus();
    const started = deferred<string>();
    const never = deferred();
    first.subscribe(topic, group, async (e) => {
      started.resolve(e.id);
      await never.promise; // "crashes" mid-handler: never acknowledges
    });
    await first.start();
    const sent = c.event('order-1', { step: 1 });
    await first.publish(topic, sent);
    expect(await started.promise).toBe(sent.id);
    await first.close({ timeoutMs: 0 });

    const second = c.bus();
    const redelivered = deferred<CloudEvent>();
    second.subscribe(topic, group, async (e) => redelivered.resolve(e));
    await second.start();
    expect((await redelivered.promise).id).toBe(sent.id);
    never.resolve();
  });

  it('retries a failing handler with growing attempt numbers until it succeeds', async () => {
    const { topic, group } = c.names();
    const b = c.bus(c.h.settings({ consumer: { maxAttempts: 4 } }));
    const attempts: number[] = [];
    const letters: DeadLetter[] = [];
    b.subscribe(topic, group, async (_e, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt < 3) throw new Error(`transient failure ${ctx.attempt}`);
    });
    b.subscribeDeadLetters(topic, group, async (l) => void letters.push(l));
    await b.start();
    await b.publish(topic, c.event('order-1', {}));
    await eventually(() => (attempts.length === 3 ? true : undefined), 30_000, 'three attempts');
    expect(attempts).toEqual([1, 2, 3]);
    expect(letters).toEqual([]);
  });

  it('dead-letters an event after maxAttempts failed deliveries, with the attempt count and last error', async () => {
    const { topic, group } = c.names();
    const deps = testDeps();
    const b = c.bus(c.h.settings({ consumer: { maxAttempts: 3 } }), deps);
    const attempts: number[] = [];
    const letter = deferred<DeadLetter>();
    b.subscribe(topic, group, async (_e, ctx) => {
      attempts.push(ctx.attempt);
      throw new Error(`boom on attempt ${ctx.attempt}`);
    });
    b.subscribeDeadLetters(topic, group, async (l) => letter.resolve(l));
    await b.start();
    const sent = c.event('order-1', { poison: true });
    await b.publish(topic, sent);
    const dead = await letter.promise;
    expect(attempts).toEqual([1, 2, 3]);
    expect(dead).toMatchObject({ topic, group, attempts: 3, reason: 'max-attempts', event: sent });
    expect(dead.error).toContain('boom on attempt 3');
    // Counted once the broker confirmed the move, which may be just after the letter arrives.
    const counted = await eventually(async () => {
      const metric = await deps.registry.getSingleMetric('nimbus_events_dead_lettered_total')?.get();
      return metric?.values.find((v) => v.labels['reason'] === 'max-attempts');
    });
    expect(counted).toEqual({ value: 1, labels: { topic, group, reason: 'max-attempts' } });
  });

  it('dead-letters at once an event the handler rejects as non-retryable', async () => {
    const { topic, group } = c.names();
    const b = c.bus(c.h.settings({ consumer: { maxAttempts: 5 } }));
    let calls = 0;
    const letter = deferred<DeadLetter>();
    b.subscribe(topic, group, async () => {
      calls++;
      throw EVENT_REJECTED('unknown product');
    });
    b.subscribeDeadLetters(topic, group, async (l) => letter.resolve(l));
    await b.start();
    await b.publish(topic, c.event('order-1', {}));
    const dead = await letter.promise;
    expect(calls).toBe(1);
    expect(dead).toMatchObject({ attempts: 1, reason: 'non-retryable' });
    expect(dead.error).toContain('EVENT_REJECTED');
  });

  it('dead-letters a message that is not a CloudEvent without calling the handler', async () => {
    const { topic, group } = c.names();
    const b = c.bus();
    const handled: string[] = [];
    const letter = deferred<DeadLetter>();
    b.subscribe(topic, group, async (e) => void handled.push(e.id));
    b.subscribeDeadLetters(topic, group, async (l) => letter.resolve(l));
    await b.start();
    await c.h.publishGarbage(topic, Buffer.from('{not json'));
    await b.publish(topic, c.event('order-1', {}));
    const dead = await letter.promise;
    expect(dead).toMatchObject({ reason: 'malformed', attempts: 1, event: undefined });
    expect(dead.body.toString()).toBe('{not json');
    expect(dead.error).toMatch(/specversion/);
    await eventually(() => (handled.length === 1 ? true : undefined), 30_000, 'the valid event');
  });
}
