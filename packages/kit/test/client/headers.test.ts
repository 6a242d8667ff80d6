import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it } from 'vitest';
import { isProblemError } from '../../src/errors/problem.js';
import { json, rejectionOf, startOrigin, testClient, type Origin, type TestClient } from './support.js';

const opened: Array<Origin | TestClient> = [];
afterEach(async () => {
  trace.disable();
  context.disable();
  propagation.disable();
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
const track = <T extends Origin | TestClient>(o: T) => (opened.push(o), o);

async function echo() {
  const origin = track(await startOrigin((_, res) => json(res, 200, {})));
  return { origin, client: track(testClient([origin.url])).client };
}

describe('service client: what it sends', () => {
  it('propagates the active span as a W3C traceparent', async () => {
    // register() installs an AsyncLocalStorage context manager and the W3C propagator, as the telemetry part will.
    const provider = new NodeTracerProvider();
    provider.register();
    const { origin, client } = await echo();
    const span = provider.getTracer('test').startSpan('checkout');
    await context.with(trace.setSpan(context.active(), span), () => client.request('svc', { path: '/x', auth: 'none' }));
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(origin.seen[0]?.headers['traceparent']).toBe(`00-${traceId}-${spanId}-01`);
    await provider.shutdown();
  });

  it('sends no traceparent when no trace is active (no SDK: the API is a no-op)', async () => {
    const { origin, client } = await echo();
    await client.request('svc', { path: '/x', auth: 'none' });
    expect(origin.seen[0]?.headers['traceparent']).toBeUndefined();
  });

  it('sends the request ID as x-request-id', async () => {
    const { origin, client } = await echo();
    await client.request('svc', { path: '/x', auth: 'none', requestId: 'req-42' });
    expect(origin.seen[0]?.headers['x-request-id']).toBe('req-42');
  });

  it('relays the caller’s bearer token with auth "forward", with or without the Bearer prefix', async () => {
    const { origin, client } = await echo();
    await client.request('svc', { path: '/x', auth: 'forward', callerToken: 'Bearer abc.def' });
    await client.request('svc', { path: '/x', auth: 'forward', callerToken: 'abc.def' });
    expect(origin.seen.map((s) => s.headers['authorization'])).toEqual(['Bearer abc.def', 'Bearer abc.def']);
  });

  it('refuses auth "forward" without a caller token as UNAUTHENTICATED, without calling the dependency', async () => {
    const { origin, client } = await echo();
    const err = await rejectionOf(client.request('svc', { path: '/x', auth: 'forward' }));
    expect(isProblemError(err) && err.code).toBe('UNAUTHENTICATED');
    expect(origin.seen).toHaveLength(0);
  });

  it('sends no Authorization with auth "none" even if one was passed, and drops hop-by-hop headers', async () => {
    const { origin, client } = await echo();
    await client.request('svc', {
      path: '/x',
      auth: 'none',
      headers: { Authorization: 'Bearer leaked', Connection: 'close', 'Transfer-Encoding': 'chunked', Host: 'evil', 'X-Tenant': 't1' },
    });
    const h = origin.seen[0]!.headers;
    expect(h['authorization']).toBeUndefined();
    expect(h['host']).toBe(new URL(origin.url).host);
    expect(h['x-tenant']).toBe('t1');
    expect(h['transfer-encoding']).toBeUndefined();
  });

  it('encodes an object body as JSON and appends query parameters', async () => {
    const { origin, client } = await echo();
    await client.request('svc', { method: 'POST', path: '/orders', query: { dryRun: true, tag: ['a', 'b'], skip: undefined }, body: { sku: 'X-1', qty: 2 }, auth: 'none' });
    const seen = origin.seen[0]!;
    expect(seen.url).toBe('/orders?dryRun=true&tag=a&tag=b');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body)).toEqual({ sku: 'X-1', qty: 2 });
  });
});
