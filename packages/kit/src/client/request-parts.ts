import { channel } from 'node:diagnostics_channel';
import { context, propagation } from '@opentelemetry/api';

export type QueryValue = string | number | boolean | undefined | readonly (string | number | boolean)[];

/**
 * Hop-by-hop and framing headers are the transport's business; relaying
 * them from an incoming request (a common copy-all mistake) would make
 * undici reject the call or corrupt the framing.
 */
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);

// @opentelemetry/instrumentation-undici subscribes here and injects a
// traceparent for its own client span; injecting ours as well would send
// two traceparent headers, which receivers join into one invalid value.
const undiciRequestCreated = channel('undici:request:create');

/** `path` with `query` appended; rejects anything but an origin-relative path, so a call can never leave the target. */
export function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!path.startsWith('/') || path.startsWith('//')) {
    throw new TypeError(`service request path must start with a single "/": ${JSON.stringify(path)}`);
  }
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const qs = params.toString();
  if (!qs) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

export function encodeBody(body: unknown): { body: string | Buffer | undefined; contentType: string | undefined } {
  if (body === undefined) return { body: undefined, contentType: undefined };
  if (typeof body === 'string') return { body, contentType: 'text/plain; charset=utf-8' };
  if (Buffer.isBuffer(body)) return { body, contentType: 'application/octet-stream' };
  if (body instanceof Uint8Array) return { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), contentType: 'application/octet-stream' };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

/**
 * Outgoing headers: the caller's (lower-cased, hop-by-hop removed, no
 * Authorization: the auth mode decides that), JSON by default, the request
 * ID, and the active trace context as W3C traceparent/tracestate.
 */
export function buildHeaders(
  req: { headers?: Record<string, string | undefined>; requestId?: string },
  contentType: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const key = name.toLowerCase();
    if (value === undefined || DROPPED.has(key) || key === 'authorization') continue;
    out[key] = value;
  }
  if (contentType && !out['content-type']) out['content-type'] = contentType;
  if (req.requestId) out['x-request-id'] = req.requestId;
  if (!undiciRequestCreated.hasSubscribers) propagation.inject(context.active(), out);
  return out;
}
