import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, sleep } from '../../src/discovery/backoff.js';

describe('backoffDelay', () => {
  it('doubles per failure up to the ceiling', () => {
    const max = () => 1;
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 1_000, 5_000, max))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('jitters within the upper half of the delay so instances spread out but never retry at once', () => {
    expect(backoffDelay(3, 1_000, 30_000, () => 0)).toBe(2_000);
    expect(backoffDelay(3, 1_000, 30_000, () => 0.5)).toBe(3_000);
  });
});

describe('sleep', () => {
  it('ends early when its signal aborts', async () => {
    vi.useFakeTimers();
    try {
      const stop = new AbortController();
      let done = false;
      const p = sleep(60_000, stop.signal).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(done).toBe(false);
      stop.abort();
      await p;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
