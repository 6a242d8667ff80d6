import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from '../support/endpoints.js';
import { startFixture, type Fixture } from './fixtures/child.js';
import { randomHex, zipkinTrace, type ZipkinSpan } from './zipkin.js';

// The service runs in a child process started with the --import preload, so
// http, undici and mysql2 are patched the way they are in production.
const zipkin = endpoint('ZIPKIN_URL');
const serviceName = uniqueName('kit-preload');
let service: Fixture;

beforeAll(async () => {
  service = await startFixture('observed-service.ts', {
    OTEL_SERVICE_NAME: serviceName,
    ZIPKIN_URL: zipkin,
    LOGS_URL: endpoint('LOGS_URL'),
    MYSQL_URL: endpoint('MYSQL_URL'),
    NIMBUS_TRACING_ENABLED: 'true',
    OTEL_TRACES_SAMPLER_ARG: '1',
  });
});
afterAll(async () => {
  await service?.stop();
});

interface OrderAnswer {
  trace: { traceId: string; spanId: string; sampled: boolean };
  downstream: { traceparent?: string; baggage?: string; b3: string | null; trace: { traceId: string } };
}

const byKind = (spans: ZipkinSpan[], kind: ZipkinSpan['kind'], name: string) => spans.find((s) => s.kind === kind && s.name === name);

describe('ESM preload (node --import register)', () => {
  it('was the one that started tracing in the child', () => {
    expect(service.ready['preloaded']).toBe(true);
  });

  it("continues a caller's W3C trace through the incoming request, an outgoing fetch and a mysql2 query, all received by Zipkin", async () => {
    const traceId = randomHex(16);
    const callerSpanId = randomHex(8);
    const res = await fetch(`${service.url}/orders/42`, { headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, baggage: 'tenant=acme' } });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as OrderAnswer;
    expect(answer.trace.traceId).toBe(traceId);
    // Downstream got W3C context and the caller's baggage, and no B3.
    expect(answer.downstream.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(answer.downstream.baggage).toBe('tenant=acme');
    expect(answer.downstream.b3).toBeNull();

    const spans = await zipkinTrace(zipkin, traceId, (s) =>
      Boolean(byKind(s, 'SERVER', 'get /orders/:id') && byKind(s, 'SERVER', 'get /inventory/:sku') && s.some((x) => x.tags?.['db.system.name'] === 'mysql')),
    );
    const incoming = byKind(spans, 'SERVER', 'get /orders/:id');
    const downstream = byKind(spans, 'SERVER', 'get /inventory/:sku');
    const fetchSpan = spans.find((s) => s.kind === 'CLIENT' && s.tags?.['url.full']?.includes('/inventory/sku-42'));
    const query = spans.find((s) => s.tags?.['db.system.name'] === 'mysql');
    expect(incoming?.parentId).toBe(callerSpanId);
    expect(fetchSpan).toBeDefined();
    expect(downstream?.parentId).toBe(fetchSpan?.id);
    expect(query).toMatchObject({ kind: 'CLIENT', tags: { 'db.query.text': 'SELECT ? AS answer' } });
    for (const span of spans) expect(span.localEndpoint.serviceName).toBe(serviceName);
    expect(incoming?.tags).toMatchObject({ 'http.route': '/orders/:id', 'service.version': '0.0.0', 'service.instance.id': expect.any(String) });
  });

  it('accepts a B3 single header from a Zipkin-instrumented caller', async () => {
    const traceId = randomHex(16);
    const callerSpanId = randomHex(8);
    const answer = (await (await fetch(`${service.url}/orders/7`, { headers: { b3: `${traceId}-${callerSpanId}-1` } })).json()) as OrderAnswer;
    expect(answer.trace.traceId).toBe(traceId);
    const spans = await zipkinTrace(zipkin, traceId, (s) => Boolean(byKind(s, 'SERVER', 'get /orders/:id')));
    expect(byKind(spans, 'SERVER', 'get /orders/:id')?.parentId).toBe(callerSpanId);
  });

  it('accepts B3 multi headers (X-B3-TraceId / X-B3-SpanId / X-B3-Sampled)', async () => {
    const traceId = randomHex(16);
    const callerSpanId = randomHex(8);
    const headers = { 'x-b3-traceid': traceId, 'x-b3-spanid': callerSpanId, 'x-b3-sampled': '1' };
    const answer = (await (await fetch(`${service.url}/orders/8`, { headers })).json()) as OrderAnswer;
    expect(answer.trace.traceId).toBe(traceId);
    await zipkinTrace(zipkin, traceId, (s) => Boolean(byKind(s, 'SERVER', 'get /orders/:id')));
  });

  it('starts a new recorded trace for a request that carries none', async () => {
    const answer = (await (await fetch(`${service.url}/orders/9`)).json()) as OrderAnswer;
    expect(answer.trace.sampled).toBe(true);
    expect(answer.downstream.trace.traceId).toBe(answer.trace.traceId);
    const spans = await zipkinTrace(zipkin, answer.trace.traceId, (s) => Boolean(byKind(s, 'SERVER', 'get /orders/:id')));
    expect(byKind(spans, 'SERVER', 'get /orders/:id')?.parentId).toBeUndefined();
  });

  it('does not trace /metrics scrapes, which would bury real traffic in Zipkin', async () => {
    expect((await fetch(`${service.url}/metrics`)).status).toBe(200);
    // Spans leave in the order they end: once a later request's trace is in
    // Zipkin, a /metrics span would be there too.
    const later = (await (await fetch(`${service.url}/orders/10`)).json()) as OrderAnswer;
    await zipkinTrace(zipkin, later.trace.traceId, (s) => Boolean(byKind(s, 'SERVER', 'get /orders/:id')));
    const names = (await (await fetch(`${zipkin}/api/v2/spans?serviceName=${serviceName}`)).json()) as string[];
    expect(names).toContain('get /orders/:id');
    expect(names.filter((n) => n.includes('/metrics'))).toEqual([]);
    expect(names).toContain('handler /orders/:id');
  });
});
