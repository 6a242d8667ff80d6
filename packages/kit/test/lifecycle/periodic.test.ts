import { describe, expect, it, vi } from 'vitest';
import { PeriodicPass } from '../../src/lifecycle/periodic.js';
import { silentLogger } from '../../src/logging/logger.js';

describe('PeriodicPass', () => {
  it('shares a pass in flight with a concurrent call instead of overlapping', async () => {
    let release!: () => void;
    const pass = vi.fn(() => new Promise<number>((resolve) => (release = () => resolve(3))));
    const p = new PeriodicPass({ name: 'test sweep', intervalMs: 60_000, logger: silentLogger, pass });
    const first = p.run();
    const second = p.run();
    release();
    expect(await Promise.all([first, second])).toEqual([3, 3]);
    expect(pass).toHaveBeenCalledTimes(1);
    // Once a pass ended, the next call starts a new one.
    const third = p.run();
    release();
    await third;
    expect(pass).toHaveBeenCalledTimes(2);
  });

  it('runs on its interval, logs a failed pass and tries again on the next tick', async () => {
    vi.useFakeTimers();
    try {
      const warn = vi.fn();
      const pass = vi.fn().mockRejectedValueOnce(new Error('db down')).mockResolvedValue(0);
      const p = new PeriodicPass({ name: 'test sweep', intervalMs: 100, logger: { ...silentLogger, warn }, pass });
      p.start();
      await vi.advanceTimersByTimeAsync(250);
      expect(pass).toHaveBeenCalledTimes(2);
      expect(warn).toHaveBeenCalledWith('test sweep failed; will retry', { 'error.message': 'Error: db down' });
      await p.close();
      await vi.advanceTimersByTimeAsync(500);
      expect(pass).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets the pass in flight see close() and waits for it', async () => {
    let seenClosed = false;
    let step!: () => void;
    const p = new PeriodicPass({
      name: 'test sweep',
      intervalMs: 60_000,
      logger: silentLogger,
      pass: async (_now, closed) => {
        await new Promise<void>((r) => (step = r));
        seenClosed = closed();
        return 0;
      },
    });
    const running = p.run();
    const closing = p.close();
    step();
    await closing;
    await running;
    expect(seenClosed).toBe(true);
  });
});
