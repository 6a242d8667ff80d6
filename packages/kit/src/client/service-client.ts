import { performance } from 'node:perf_hooks';
import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError } from 'cockatiel';
import type { Registry } from 'prom-client';
import { Agent } from 'undici';
import type { ServiceResolver } from '../discovery/resolver.js';
import { BULKHEAD_FULL, CIRCUIT_OPEN, DEPENDENCY_TIMEOUT, DEPENDENCY_UNAVAILABLE, UNAUTHENTICATED } from '../errors/catalogue.js';
import { isProblemError } from '../errors/problem.js';
import type { Logger } from '../logging/logger.js';
import { AttemptTimeout, NetworkFailure, UpstreamFailure } from './attempt-errors.js';
import { sendAttempt, type HttpMethod, type PreparedCall } from './attempt.js';
import { clientMetrics, type ClientMetrics } from './metrics.js';
import { createTargetPolicies, type TargetPolicies } from './policies.js';
import { buildHeaders, encodeBody, withQuery, type QueryValue } from './request-parts.js';
import type { ServiceResponse } from './response.js';
import { ClientCredentialsTokenProvider, type ServiceTokenProvider } from './service-token.js';
import { policyFor, type ClientSettings } from './settings.js';

export type AuthMode = 'forward' | 'service' | 'none';

export interface ServiceRequest {
  /** Default GET. */
  method?: HttpMethod;
  /** Absolute path on the target, e.g. `/products/42`. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string | undefined>;
  /** A string or bytes are sent as is; anything else as JSON. */
  body?: unknown;
  /** Retry this call although its method is not idempotent (e.g. a POST carrying an Idempotency-Key). */
  idempotent?: boolean;
  /**
   * forward: relay the end user's bearer token (`callerToken`); service: this
   * service's own client_credentials token; none: no Authorization header.
   * Required, so that every call site decides whose identity it carries.
   */
  auth: AuthMode;
  /** The incoming request's token, with or without the `Bearer ` prefix. */
  callerToken?: string;
  /** The incoming request's ID, sent on as `x-request-id`. */
  requestId?: string;
  /** Cancels the call (e.g. the incoming request was aborted); the abort reason is rethrown as is. */
  signal?: AbortSignal;
}

export interface ServiceClient {
  /**
   * Calls `target` through its bulkhead, breaker, retry and timeout. Resolves
   * with 2xx–4xx answers; rejects with a ProblemError: DEPENDENCY_TIMEOUT,
   * DEPENDENCY_UNAVAILABLE (unreachable, no instance, or 5xx after retries),
   * CIRCUIT_OPEN (with Retry-After), BULKHEAD_FULL, or SERVICE_TOKEN_*.
   */
  request(target: string, req: ServiceRequest): Promise<ServiceResponse>;
  /** Closes pooled connections. The resolver belongs to the caller and stays open. */
  close(): Promise<void>;
}

export interface ServiceClientOptions {
  resolver: ServiceResolver;
  settings: ClientSettings;
  logger: Logger;
  registry: Registry;
  /** Defaults to client_credentials from `client.serviceToken` when its tokenUrl is set. */
  tokenProvider?: ServiceTokenProvider;
}

export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const { resolver, settings } = opts;
  const log = opts.logger.child({ component: 'service-client' });
  const metrics: ClientMetrics = clientMetrics(opts.registry);
  const dispatcher = new Agent({ connect: { timeout: settings.connectTimeoutMs }, keepAliveTimeout: settings.keepAliveTimeoutMs });
  const tokens =
    opts.tokenProvider ?? (settings.serviceToken.tokenUrl ? new ClientCredentialsTokenProvider({ settings: settings.serviceToken, logger: log }) : undefined);
  const policies = new Map<string, TargetPolicies>();

  const policiesFor = (target: string) => {
    let p = policies.get(target);
    if (!p) {
      p = createTargetPolicies(target, policyFor(settings, target), { logger: log, metrics });
      policies.set(target, p);
    }
    return p;
  };

  async function execute(call: PreparedCall, policy: TargetPolicies, idempotent: boolean): Promise<ServiceResponse> {
    const pipeline = idempotent ? policy.retrying : policy.once;
    return pipeline.execute(({ signal }) => sendAttempt(call, { resolver, dispatcher }, signal), call.callerSignal);
  }

  async function request(target: string, req: ServiceRequest): Promise<ServiceResponse> {
    const method = req.method ?? 'GET';
    const policy = policiesFor(target);
    const idempotent = req.idempotent ?? policy.settings.retry.methods.includes(method);
    const encoded = encodeBody(req.body);
    const headers = buildHeaders(req, encoded.contentType);
    if (req.auth === 'forward') headers['authorization'] = `Bearer ${forwardedToken(target, req.callerToken)}`;
    if (req.auth === 'service' && !tokens) throw new Error(`auth "service" to ${target} needs client.serviceToken settings or a tokenProvider`);
    const call: PreparedCall = {
      target,
      method,
      path: withQuery(req.path, req.query),
      headers,
      body: encoded.body,
      timeoutMs: policy.settings.timeoutMs,
      callerSignal: req.signal,
    };

    const started = performance.now();
    let status = 'ERROR';
    try {
      if (resolver.resolve(target).length === 0) await resolver.prime(target);
      let response: ServiceResponse;
      if (req.auth === 'service' && tokens) {
        const token = await tokens.token();
        response = await execute({ ...call, headers: { ...headers, authorization: `Bearer ${token}` } }, policy, idempotent);
        if (response.status === 401) {
          // Revoked, or the auth server rotated its keys: one fresh token, one more try.
          // Safe for any method, since a 401 means the dependency did not process the call.
          tokens.invalidate(token);
          const fresh = await tokens.token();
          response = await execute({ ...call, headers: { ...headers, authorization: `Bearer ${fresh}` } }, policy, idempotent);
        }
      } else {
        response = await execute(call, policy, idempotent);
      }
      status = String(response.status);
      return response;
    } catch (err) {
      const mapped = toProblem(err, target, policy);
      if (isProblemError(mapped)) status = mapped.code;
      else if (req.signal?.aborted) status = 'CANCELLED';
      throw mapped;
    } finally {
      const labels = { target, method, status };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, (performance.now() - started) / 1000);
    }
  }

  return {
    request,
    async close() {
      await dispatcher.close();
    },
  };
}

function forwardedToken(target: string, callerToken: string | undefined): string {
  const token = callerToken?.replace(/^bearer\s+/i, '').trim();
  // The caller has no identity to relay: the dependency would refuse the call, so refuse it here.
  if (!token) throw UNAUTHENTICATED(`calling ${target} on the caller's behalf needs the caller's bearer token`);
  return token;
}

/** The caller sees stable problem codes, never cockatiel's or undici's errors. */
function toProblem(err: unknown, target: string, policy: TargetPolicies): unknown {
  const dependency = { dependency: target };
  if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
    const retryAfter = policy.retryAfterSeconds();
    return CIRCUIT_OPEN({
      detail: `calls to ${target} are paused after repeated failures; retry in ${retryAfter} s`,
      extensions: { ...dependency, retryAfterSeconds: retryAfter },
      headers: { 'retry-after': String(retryAfter) },
      cause: err,
    });
  }
  if (err instanceof BulkheadRejectedError) {
    return BULKHEAD_FULL({ detail: `too many calls to ${target} in flight`, extensions: dependency, cause: err });
  }
  if (err instanceof AttemptTimeout) {
    return DEPENDENCY_TIMEOUT({ detail: `${target} did not answer within ${policy.settings.timeoutMs} ms`, extensions: dependency, cause: err });
  }
  if (err instanceof NetworkFailure) {
    return DEPENDENCY_UNAVAILABLE({ detail: `${target} is unreachable`, extensions: dependency, cause: err });
  }
  if (err instanceof UpstreamFailure) {
    return DEPENDENCY_UNAVAILABLE({
      detail: `${target} answered ${err.response.status}`,
      extensions: { ...dependency, dependencyStatus: err.response.status },
      cause: err,
    });
  }
  if (isProblemError(err) && err.code === 'NO_INSTANCES') {
    return DEPENDENCY_UNAVAILABLE({ detail: err.detail ?? `no instance of ${target}`, extensions: dependency, cause: err });
  }
  return err;
}
