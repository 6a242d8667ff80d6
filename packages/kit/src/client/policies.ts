import {
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  retry,
  SamplingBreaker,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
  type IBreaker,
  type IPolicy,
  type IRetryContext,
} from 'cockatiel';
import type { Logger } from '../logging/logger.js';
import { AttemptTimeout, isAttemptFailure, NetworkFailure, UpstreamFailure } from './attempt-errors.js';
import type { ClientMetrics } from './metrics.js';
import type { ClientPolicySettings } from './settings.js';

/** What the function run under the policies receives: the timeout's signal, and the attempt number when retried. */
export type AttemptContext = { signal: AbortSignal } & Partial<Pick<IRetryContext, 'attempt'>>;

/**
 * The resilience stack for one target service, built once on its first
 * call and shared by every call to it.
 *
 * Order, outermost first: bulkhead → breaker → retry → timeout.
 * - bulkhead outermost: it bounds the work in flight for this target,
 *   retries and backoff waits included, and its rejections (our own
 *   overload) never reach the breaker as if the dependency had failed.
 * - breaker outside retry: one logical call counts once, after its retries.
 *   A single bad instance is absorbed by retrying on the next one (and
 *   quarantined) without tripping the breaker for the whole service; the
 *   breaker opens when calls fail even after retries, i.e. the service as a
 *   whole is failing. And an open breaker rejects before any retry runs.
 * - timeout innermost: each attempt gets the full budget, and a timed-out
 *   attempt is retried (idempotent calls) on another instance.
 */
export interface TargetPolicies {
  readonly settings: ClientPolicySettings;
  /** For idempotent calls. */
  readonly retrying: IPolicy<AttemptContext>;
  /** For the rest: same bulkhead and breaker, one attempt. */
  readonly once: IPolicy<AttemptContext>;
  readonly breaker: CircuitBreakerPolicy;
  /** Seconds until the open breaker lets a probe through (for Retry-After). */
  retryAfterSeconds(): number;
}

export const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = {
  [CircuitState.Closed]: 0,
  [CircuitState.HalfOpen]: 1,
  [CircuitState.Open]: 2,
  [CircuitState.Isolated]: 2,
};

function createBreaker(s: ClientPolicySettings['breaker']): IBreaker {
  if (s.kind === 'consecutive') return new ConsecutiveBreaker(s.consecutiveFailures);
  // cockatiel expresses the minimum throughput as a rate over the window.
  return new SamplingBreaker({
    threshold: s.failureRateThreshold,
    duration: s.samplingWindowMs,
    minimumRps: s.minimumCalls / (s.samplingWindowMs / 1000),
  });
}

export function createTargetPolicies(target: string, settings: ClientPolicySettings, deps: { logger: Logger; metrics: ClientMetrics }): TargetPolicies {
  const log = deps.logger.child({ target });
  const { metrics } = deps;

  // 4xx are answers, not failures: they neither trip the breaker nor get retried.
  const breaker = circuitBreaker(handleWhen(isAttemptFailure), {
    halfOpenAfter: settings.breaker.halfOpenAfterMs,
    breaker: createBreaker(settings.breaker),
  });
  let openedAt = 0;
  metrics.circuitState.set({ target }, 0);
  breaker.onStateChange((state) => {
    metrics.circuitState.set({ target }, CIRCUIT_STATE_VALUE[state]);
    if (state === CircuitState.Open) {
      openedAt = Date.now();
      const last = breaker.lastFailure;
      const reason = last && 'error' in last ? last.error.message : 'failure threshold reached';
      log.warn('circuit opened: calls fail fast until a probe succeeds', { halfOpenAfterMs: settings.breaker.halfOpenAfterMs, reason });
    } else if (state === CircuitState.HalfOpen) {
      log.info('circuit half-open: letting one probe call through');
    } else if (state === CircuitState.Closed) {
      log.info('circuit closed: calls flow again');
    }
  });

  const retryable = handleWhen(
    (err) =>
      err instanceof NetworkFailure ||
      (err instanceof AttemptTimeout && settings.retry.onTimeout) ||
      (err instanceof UpstreamFailure && settings.retry.statuses.includes(err.response.status)),
  );
  const retries = retry(retryable, {
    maxAttempts: settings.retry.retries,
    backoff: new ExponentialBackoff({
      generator: decorrelatedJitterGenerator,
      initialDelay: settings.retry.initialDelayMs,
      maxDelay: settings.retry.maxDelayMs,
    }),
  });
  retries.onRetry((event) => {
    metrics.retries.inc({ target });
    log.debug('retrying', { attempt: event.attempt, delayMs: Math.round(event.delay), error: 'error' in event ? event.error.message : undefined });
  });

  // Cooperative: the attempt receives the signal and undici aborts the
  // request, so a timed-out attempt frees its socket instead of running on.
  const perAttempt = timeout(settings.timeoutMs, TimeoutStrategy.Cooperative);
  const limit = bulkhead(settings.bulkhead.maxConcurrent, settings.bulkhead.maxQueue);

  return {
    settings,
    retrying: wrap(limit, breaker, retries, perAttempt) as IPolicy<AttemptContext>,
    once: wrap(limit, breaker, perAttempt) as IPolicy<AttemptContext>,
    breaker,
    retryAfterSeconds() {
      const remaining = openedAt + settings.breaker.halfOpenAfterMs - Date.now();
      return Math.max(1, Math.ceil(remaining / 1000));
    },
  };
}
