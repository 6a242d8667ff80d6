import type { Dispatcher } from 'undici';
import type { ServiceResolver } from '../discovery/resolver.js';
import { AttemptTimeout, NetworkFailure, UpstreamFailure } from './attempt-errors.js';
import { ServiceResponse } from './response.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A call ready to be sent to any instance of its target. */
export interface PreparedCall {
  target: string;
  method: HttpMethod;
  /** Path plus query string. */
  path: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  timeoutMs: number;
  /** The caller's own cancellation (e.g. its client went away); not a dependency failure. */
  callerSignal: AbortSignal | undefined;
}

/**
 * One attempt: the next instance round-robin, one HTTP exchange, the body
 * read in full. `signal` is the per-attempt timeout's. Failures are
 * classified for the retry and breaker policies; the instance is
 * quarantined when it is evidently unable to serve (nothing answered, or it
 * said 503 because it is overloaded or shutting down). Not on a timeout: a
 * slow answer more often reflects the request than the instance, and the
 * Consul check catches an instance that hangs on everything.
 */
export async function sendAttempt(
  call: PreparedCall,
  deps: { resolver: ServiceResolver; dispatcher: Dispatcher },
  signal: AbortSignal,
): Promise<ServiceResponse> {
  const instance = deps.resolver.next(call.target);
  let response: ServiceResponse;
  try {
    const res = await deps.dispatcher.request({
      origin: instance.url,
      path: call.path,
      method: call.method,
      headers: call.headers,
      body: call.body ?? null,
      signal,
      // The attempt timeout governs; undici's own 300 s timers would only blur which limit fired.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    response = new ServiceResponse(call.target, res.statusCode, res.headers, body, instance);
  } catch (err) {
    if (call.callerSignal?.aborted) throw call.callerSignal.reason;
    if (signal.aborted) throw new AttemptTimeout(instance, call.timeoutMs);
    deps.resolver.markFailed(instance);
    throw new NetworkFailure(instance, err);
  }
  if (response.status >= 500) {
    if (response.status === 503) deps.resolver.markFailed(instance);
    throw new UpstreamFailure(response);
  }
  return response;
}
