import { setTimeout as sleep } from 'node:timers/promises';
import { BrokenCircuitError } from 'cockatiel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyReplyFromHooks } from '@fastify/reply-from';
import { CIRCUIT_OPEN, DEPENDENCY_TIMEOUT, DEPENDENCY_UNAVAILABLE, type Instance, type ServiceResolver } from '@nimbus/kit';
import type { Identity } from '../auth/rules.js';
import type { RouteMatch } from '../routing/match.js';
import { AttemptFailure, classify } from './attempt.js';
import type { Upstreams } from './upstreams.js';

/** Upstream statuses that mean "not processed": retried when allowed, counted by the breaker. */
export const FAILURE_STATUSES = new Set([502, 503, 504]);

/** Headers only the gateway may set: client-sent copies are dropped. */
export const IDENTITY_HEADERS = ['x-user-id', 'x-user-roles', 'x-user-scopes', 'x-user-client-id', 'x-user-email'] as const;

export interface ForwardDeps {
  resolver: ServiceResolver;
  upstreams: Upstreams;
}

/**
 * The caller's trace headers: the gateway's own server span continues that
 * trace, and the tracing instrumentation injects the gateway's context into
 * the upstream call. Forwarding the caller's copy too would send two
 * traceparents, which upstreams reject, starting a new trace.
 */
const TRACE_HEADERS = ['traceparent', 'tracestate', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags'];

/** Client-sent copies of these are never forwarded: identity (only the gateway sets it) and the caller's trace context. */
const FORGED: ReadonlySet<string> = new Set<string>([...IDENTITY_HEADERS, ...TRACE_HEADERS]);

/** Request headers for the upstream: verified identity, forwarding info, request id; the Authorization header is relayed as is. */
export function upstreamHeaders(request: Pick<FastifyRequest, 'ip' | 'protocol' | 'id'>, headers: Record<string, string | string[] | undefined>, identity: Identity | undefined) {
  const out: Record<string, string | string[] | undefined> = {};
  for (const name of Object.keys(headers)) if (!FORGED.has(name)) out[name] = headers[name];
  if (identity) {
    out['x-user-id'] = identity.subject;
    out['x-user-roles'] = identity.roles.join(',');
    out['x-user-scopes'] = identity.scopes.join(' ');
    if (identity.clientId) out['x-user-client-id'] = identity.clientId;
    if (identity.email) out['x-user-email'] = identity.email;
  }
  const prior = headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${request.ip}` : request.ip;
  out['x-forwarded-proto'] = request.protocol;
  if (headers.host) out['x-forwarded-host'] = headers.host;
  out['x-request-id'] = request.id;
  return out;
}

/**
 * Forwards one request to the route's service: an instance per attempt
 * from discovery (round-robin, failed ones quarantined), idempotent
 * methods retried on 502/503/504, network errors and timeouts, any method
 * retried when the connection was refused (nothing was sent), the whole
 * call under the service's circuit breaker. `tryOnce` talks to one
 * instance: reply-from by default, a WebSocket handshake (websocket.ts).
 */
export async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  match: RouteMatch,
  identity: Identity | undefined,
  deps: ForwardDeps,
  tryOnce: AttemptFn = attemptOnce,
): Promise<void> {
  const { route, upstreamPath } = match;
  const policy = deps.upstreams.policy(route.service);
  const { settings } = policy;
  const timeoutMs = route.timeoutMs > 0 ? route.timeoutMs : settings.timeoutMs;
  const idempotent = settings.retry.methods.includes(request.method);
  const maxAttempts = 1 + settings.retry.retries;
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;

  try {
    await policy.breaker.execute(async () => {
      for (let attempt = 1; ; attempt++) {
        const instance = deps.resolver.next(route.service);
        const last = attempt >= maxAttempts;
        try {
          await tryOnce(request, reply, instance, upstreamPath, { timeoutMs, body, identity, sendFailure: last || !idempotent });
          return;
        } catch (err) {
          if (!(err instanceof AttemptFailure)) throw err;
          // Unreachable or overloaded instances are skipped for a while; a slow one is not (it answers, late).
          if (err.kind === 'refused' || err.kind === 'network' || err.status === 503) deps.resolver.markFailed(instance);
          const retryable = err.unsent || (idempotent && (err.kind !== 'timeout' || settings.retry.onTimeout) && (err.kind !== 'status' || settings.retry.statuses.includes(err.status ?? 0)));
          if (last || err.sent || !retryable || request.raw.destroyed) throw err;
          await sleep(backoffMs(attempt, settings.retry.initialDelayMs, settings.retry.maxDelayMs));
        }
      }
    });
  } catch (err) {
    // A stream still piping is not `reply.sent` yet: rely on the attempt's own flag.
    if ((err instanceof AttemptFailure && err.sent) || reply.sent) return;
    if (err instanceof BrokenCircuitError) {
      const retryAfter = String(policy.retryAfterSeconds());
      throw CIRCUIT_OPEN({ detail: `${route.service} is failing; retry after ${retryAfter} s`, headers: { 'retry-after': retryAfter } });
    }
    if (err instanceof AttemptFailure) {
      if (err.kind === 'timeout') throw DEPENDENCY_TIMEOUT({ detail: `${route.service} did not answer within ${timeoutMs} ms`, cause: err });
      throw DEPENDENCY_UNAVAILABLE({ detail: `${route.service} could not be reached`, cause: err });
    }
    throw err;
  }
}

export interface AttemptOptions {
  timeoutMs: number;
  body: Buffer | undefined;
  identity: Identity | undefined;
  /** Send a 502/503/504 answer to the client (last attempt) instead of discarding it for a retry. */
  sendFailure: boolean;
}

/**
 * One attempt: resolves once the answer is on its way to the client (or the
 * client left), rejects with an AttemptFailure. A failure that was not sent
 * leaves the reply's headers as they were before the attempt, so a retry or
 * the gateway's own error answer starts clean.
 */
export type AttemptFn = (request: FastifyRequest, reply: FastifyReply, instance: Instance, path: string, opts: AttemptOptions) => Promise<void>;

/**
 * The attempt in flight for a request (attempts of one request are
 * sequential). reply-from's callbacks are module functions that find it
 * here, rather than closures made afresh for every attempt.
 */
interface PendingAttempt {
  readonly instance: Instance;
  readonly opts: AttemptOptions;
  readonly reply: FastifyReply;
  /** The reply's values of the headers reply-from is about to copy from the upstream answer, for undoing it. */
  prior: Array<[string, ReturnType<FastifyReply['getHeader']>]> | undefined;
  settled: boolean;
  onClose: () => void;
  resolve: () => void;
  reject: (err: AttemptFailure) => void;
}

type Hooks = Required<FastifyReplyFromHooks>;

/** Keyed by the FastifyRequest (reply-from hands back the same object, typed for any server). */
const pending = new WeakMap<object, PendingAttempt>();
// An entry stays after its attempt settled (reply-from may call onError then onResponse for one answer); the next attempt replaces it.

function attemptOnce(request: FastifyRequest, reply: FastifyReply, instance: Instance, path: string, opts: AttemptOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // reply-from calls neither callback when the client went away: settle on close.
    const attempt: PendingAttempt = { instance, opts, reply, prior: undefined, settled: false, onClose: resolve, resolve, reject };
    pending.set(request, attempt);
    reply.raw.once('close', resolve);
    void reply.from(path, {
      getUpstream: upstreamOf,
      timeout: opts.timeoutMs,
      // Retries are ours (instance choice, breaker, backoff): reply-from's own 503 retry is off.
      retryDelay: noRetry,
      rewriteRequestHeaders: requestHeadersOf,
      rewriteHeaders: rememberPriorHeaders,
      ...(opts.body && { body: opts.body, contentType: request.headers['content-type'] ?? 'application/octet-stream' }),
      onResponse,
      onError,
    });
  });
}

function current(request: object): PendingAttempt {
  const attempt = pending.get(request);
  if (!attempt) throw new Error('reply-from called back for a request with no attempt in flight');
  return attempt;
}

function settle(attempt: PendingAttempt, err?: AttemptFailure): void {
  if (attempt.settled) return;
  attempt.settled = true;
  attempt.reply.raw.off('close', attempt.onClose);
  if (err) attempt.reject(err);
  else attempt.resolve();
}

const noRetry = () => null;

const upstreamOf: Hooks['getUpstream'] = (request) => current(request).instance.url;

const requestHeadersOf: Hooks['rewriteRequestHeaders'] = (request, headers) => upstreamHeaders(request, headers, current(request).opts.identity);

/** Called by reply-from just before it copies the upstream's headers (and maybe `connection: close`) onto the reply. */
const rememberPriorHeaders: Hooks['rewriteHeaders'] = (headers, request) => {
  const attempt = request && pending.get(request);
  if (attempt) {
    const { reply } = attempt;
    const prior: PendingAttempt['prior'] = [['connection', reply.getHeader('connection')]];
    for (const name of Object.keys(headers)) if (name.charCodeAt(0) !== 58 /* : */) prior.push([name, reply.getHeader(name)]);
    attempt.prior = prior;
  }
  return headers;
};

/** Undoes what reply-from copied from a failed answer that is not sent. */
function restorePriorHeaders(attempt: PendingAttempt): void {
  const { reply, prior } = attempt;
  if (!prior) return;
  // Last to first: a name reply-from saw twice gets its very first value back.
  for (let i = prior.length - 1; i >= 0; i--) {
    const [name, value] = prior[i] as [string, ReturnType<FastifyReply['getHeader']>];
    reply.removeHeader(name);
    if (value !== undefined) void reply.header(name, value);
  }
  attempt.prior = undefined;
}

const onResponse: Hooks['onResponse'] = (request, rep, res) => {
  const attempt = current(request);
  const status = res.statusCode;
  if (!FAILURE_STATUSES.has(status)) {
    void rep.send(res.stream);
    settle(attempt);
    return;
  }
  const failure = new AttemptFailure('status', attempt.instance, status);
  if (attempt.opts.sendFailure) {
    void rep.send(res.stream);
    failure.sent = true;
  } else {
    res.stream.resume(); // drain, so the socket goes back to the pool
    restorePriorHeaders(attempt);
  }
  settle(attempt, failure);
};

const onError: Hooks['onError'] = (rep, { error }) => {
  const attempt = current(rep.request);
  restorePriorHeaders(attempt);
  settle(attempt, classify(error, attempt.instance));
};

/** Exponential backoff with jitter in [½, 1] of the step, capped. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  const step = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return Math.round(step * (0.5 + Math.random() / 2));
}
