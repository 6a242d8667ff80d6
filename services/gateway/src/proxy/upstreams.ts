import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, SamplingBreaker, type CircuitBreakerPolicy, type IBreaker } from 'cockatiel';
import { policyFor, type ClientPolicySettings, type ClientSettings, type Logger } from '@nimbus/kit';
import { AttemptFailure } from './attempt.js';

/** Resilience for one upstream service, shared by every route to it. */
export interface UpstreamPolicy {
  readonly service: string;
  readonly settings: ClientPolicySettings;
  readonly breaker: CircuitBreakerPolicy;
  /** Seconds until the open breaker lets a probe through (Retry-After). */
  retryAfterSeconds(): number;
}

const STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'isolated',
};

function createBreaker(s: ClientPolicySettings['breaker']): IBreaker {
  if (s.kind === 'consecutive') return new ConsecutiveBreaker(s.consecutiveFailures);
  return new SamplingBreaker({ threshold: s.failureRateThreshold, duration: s.samplingWindowMs, minimumRps: s.minimumCalls / (s.samplingWindowMs / 1000) });
}

/**
 * One circuit breaker per upstream service (cockatiel), configured like the
 * kit's service client: `client.defaults` merged with `client.services.<name>`.
 * The kit does not export its target policies, so the same shape is built
 * here; only attempt failures (refused, reset, timeout, 502/503/504) count.
 */
export class Upstreams {
  readonly #policies = new Map<string, UpstreamPolicy>();

  constructor(
    private readonly client: ClientSettings,
    private readonly logger: Logger,
  ) {}

  policy(service: string): UpstreamPolicy {
    let p = this.#policies.get(service);
    if (!p) {
      p = this.#create(service);
      this.#policies.set(service, p);
    }
    return p;
  }

  /** Breaker state per upstream seen so far, for readiness details. */
  states(): Record<string, string> {
    return Object.fromEntries([...this.#policies].map(([name, p]) => [name, STATE_NAMES[p.breaker.state]]));
  }

  #create(service: string): UpstreamPolicy {
    const settings = policyFor(this.client, service);
    const breaker = circuitBreaker(handleWhen((err) => err instanceof AttemptFailure), {
      halfOpenAfter: settings.breaker.halfOpenAfterMs,
      breaker: createBreaker(settings.breaker),
    });
    let openedAt = 0;
    const log = this.logger.child({ target: service });
    breaker.onStateChange((state) => {
      if (state === CircuitState.Open) {
        openedAt = Date.now();
        log.warn('circuit opened: requests fail fast until a probe succeeds', { halfOpenAfterMs: settings.breaker.halfOpenAfterMs });
      } else {
        log.info(`circuit ${STATE_NAMES[state]}`);
      }
    });
    return {
      service,
      settings,
      breaker,
      retryAfterSeconds: () => Math.max(1, Math.ceil((openedAt + settings.breaker.halfOpenAfterMs - Date.now()) / 1000)),
    };
  }
}
