import type { Instance } from '@nimbus/kit';

export type FailureKind = 'refused' | 'network' | 'timeout' | 'status';

/**
 * One attempt at an upstream failed at the network or gateway level. `sent`:
 * the upstream's own failure response already went to the client (last
 * attempt), so it still counts for the breaker but nothing more is sent.
 */
export class AttemptFailure extends Error {
  sent = false;
  constructor(
    readonly kind: FailureKind,
    readonly instance: Instance,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(`${instance.service} at ${instance.url}: ${kind}${status ? ` ${status}` : ''}`, { cause });
    this.name = 'AttemptFailure';
  }

  /** The request never reached the upstream, so any method may be retried elsewhere. */
  get unsent(): boolean {
    return this.kind === 'refused';
  }
}

/** Classifies an error reported by @fastify/reply-from's onError, or by node:http for a WebSocket handshake. */
export function classify(error: unknown, instance: Instance): AttemptFailure {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const causeCode = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED' || causeCode === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || causeCode === 'UND_ERR_CONNECT_TIMEOUT') return new AttemptFailure('refused', instance, undefined, error);
  if (code === 'FST_REPLY_FROM_GATEWAY_TIMEOUT' || code === 'FST_REPLY_FROM_TIMEOUT' || code === 'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT') {
    return new AttemptFailure('timeout', instance, undefined, error);
  }
  return new AttemptFailure('network', instance, undefined, error);
}
