import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jitteredDelay, retryDelay, sleep } from '../../src/events/backoff.js';

const backoff = { initialMs: 1_000, maxMs: 30_000, multiplier: 2 };

describe('retryDelay', () => {
  it('grows by the multiplier from the initial delay and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(a, backoff))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
  });

  it('stays at the maximum for absurd attempt numbers instead of overflowing', () => {
    expect(retryDelay(10_000, backoff)).toBe(30_000);
  });

  it('is constant with multiplier 1', () => {
    expect(retryDelay(7, { ...backoff, multiplier: 1 })).toBe(1_000);
  });
});

describe('jitteredDelay', () => {
  it('lies between half and all of the deterministic delay', () => {
    expect(jitteredDelay(3, backoff, () => 0)).toBe(2_000);
    expect(jitteredDelay(3, backoff, () => 1)).toBe(4_000);
    expect(jitteredDelay(3, backoff, () => 0.5)).toBe(3_000);
  });
});

describe('sleep', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves after the delay', async () => {
    let done = false;
    void sleep(1_000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('resolves at once when aborted, so closing never waits out a backoff', async () => {
    const controller = new AbortController();
    let done = false;
    void sleep(60_000, controller.signal).then(() => (done = true));
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
