import type { Instance } from '../discovery/instance.js';
import type { ServiceResponse } from './response.js';

// Failures of one attempt, as the retry and breaker policies see them.
// Internal: the client turns them into ProblemErrors before the caller
// sees anything.

/** The attempt did not finish within the per-attempt timeout. */
export class AttemptTimeout extends Error {
  constructor(readonly instance: Instance, timeoutMs: number) {
    super(`${instance.service} at ${instance.url} did not answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimeout';
  }
}

/** No HTTP answer: connection refused or reset, DNS, socket closed mid-response. */
export class NetworkFailure extends Error {
  constructor(readonly instance: Instance, cause: unknown) {
    super(`${instance.service} at ${instance.url} is unreachable: ${describe(cause)}`, { cause });
    this.name = 'NetworkFailure';
  }
}

/** The dependency answered 5xx. */
export class UpstreamFailure extends Error {
  constructor(readonly response: ServiceResponse) {
    super(`${response.target} at ${response.instance.url} answered ${response.status}`);
    this.name = 'UpstreamFailure';
  }
}

export const isAttemptFailure = (err: unknown): err is AttemptTimeout | NetworkFailure | UpstreamFailure =>
  err instanceof AttemptTimeout || err instanceof NetworkFailure || err instanceof UpstreamFailure;

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${cause.message}` : cause.message;
  }
  return String(cause);
}
