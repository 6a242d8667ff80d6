import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { registerOnce } from '../discovery/metrics.js';

export interface ClientMetrics {
  requests: Counter<'target' | 'method' | 'status'>;
  duration: Histogram<'target' | 'method' | 'status'>;
  circuitState: Gauge<'target'>;
  retries: Counter<'target'>;
}

/**
 * `status` is the dependency's HTTP status when it answered, else the
 * problem code the caller got (CIRCUIT_OPEN, DEPENDENCY_TIMEOUT, …), so a
 * dashboard can tell "the dependency said 404" from "we never reached it".
 */
export function clientMetrics(registry: Registry): ClientMetrics {
  const labelNames = ['target', 'method', 'status'] as const;
  return {
    requests: registerOnce(registry, 'nimbus_client_requests_total', () =>
      new Counter({ name: 'nimbus_client_requests_total', help: 'Calls to other services, by outcome', labelNames, registers: [registry] }),
    ),
    duration: registerOnce(registry, 'nimbus_client_request_duration_seconds', () =>
      new Histogram({
        name: 'nimbus_client_request_duration_seconds',
        help: 'Duration of calls to other services, retries and queueing included',
        labelNames,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
    ),
    circuitState: registerOnce(registry, 'nimbus_client_circuit_state', () =>
      new Gauge({ name: 'nimbus_client_circuit_state', help: 'Circuit breaker per target: 0 closed, 1 half-open, 2 open', labelNames: ['target'], registers: [registry] }),
    ),
    retries: registerOnce(registry, 'nimbus_client_retries_total', () =>
      new Counter({ name: 'nimbus_client_retries_total', help: 'Attempts retried after a failure, per target', labelNames: ['target'], registers: [registry] }),
    ),
  };
}
