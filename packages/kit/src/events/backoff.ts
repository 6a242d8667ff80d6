import type { BackoffSettings } from './settings.js';

/**
 * The delay before retry number `attempt` (1 for the first retry):
 * initial × multiplier^(attempt-1), capped at max. Deterministic on purpose:
 * retry delays become RabbitMQ delay-queue TTLs, and equal delays must map
 * to the same queue.
 */
export function retryDelay(attempt: number, backoff: BackoffSettings): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = backoff.initialMs * backoff.multiplier ** exponent;
  return Math.round(Math.min(backoff.maxMs, Number.isFinite(raw) ? raw : backoff.maxMs));
}

/**
 * The same curve with "equal jitter" (half fixed, half random), for
 * reconnects: instances that lost the broker together do not come back in
 * lockstep, yet none retries almost at once.
 */
export function jitteredDelay(attempt: number, backoff: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = retryDelay(attempt, backoff);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`, or at once when the signal aborts; never rejects (callers check the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
