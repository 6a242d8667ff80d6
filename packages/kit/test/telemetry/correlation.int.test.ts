import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, eventually, uniqueName } from '../support/endpoints.js';
import { startFixture, type Fixture } from './fixtures/child.js';
import { randomHex, zipkinTrace } from './zipkin.js';

// The kit's done-criterion: a request served over real HTTP by a service
// started with the telemetry preload leaves its trace in Zipkin and its log
// lines in Elasticsearch, under the same trace id.
const zipkin = endpoint('ZIPKIN_URL');
const elasticsearch = endpoint('ELASTICSEARCH_URL');
const serviceName = uniqueName('kit-correlation');
let service: Fixture;

beforeAll(async () => {
  service = await startFixture('observed-service.ts', {
    OTEL_SERVICE_NAME: serviceName,
    ZIPKIN_URL: zipkin,
    LOGS_URL: endpoint('LOGS_URL'),
    MYSQL_URL: endpoint('MYSQL_URL'),
    NIMBUS_TRACING_ENABLED: 'true',
  });
});
afterAll(async () => {
  await service?.stop();
});

interface LogDocument {
  message: string;
  'trace.id'?: string;
  'span.id'?: string;
  'service.name'?: string;
  'http.request.id'?: string;
  'http.route'?: string;
  'log.logger'?: string;
  'event.duration'?: number;
}

/** Log documents of this service with the given trace id, once `complete` holds. */
function logsOfTrace(traceId: string, complete: (docs: LogDocument[]) => boolean): Promise<LogDocument[]> {
  return eventually(
    async () => {
      // logs-*: natively the shipper writes logs-<service>-<day>; in compose
      // Logstash picks the index. The trace id is what correlates.
      const res = await fetch(`${elasticsearch}/logs-*/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size: 50, query: { match: { 'trace.id': traceId } } }),
      });
      if (!res.ok) return undefined;
      const body = (await res.json()) as { hits: { hits: Array<{ _source: LogDocument }> } };
      const docs = body.hits.hits.map((h) => h._source);
      return complete(docs) ? docs : undefined;
    },
    30_000,
    `log lines of trace ${traceId} in Elasticsearch`,
  );
}

const hasLines = (docs: LogDocument[]) => docs.some((d) => d.message === 'order loaded') && docs.some((d) => d['log.logger'] === 'access' && d['http.route'] === '/orders/:id');

describe('trace ↔ log correlation (Zipkin + Elasticsearch, live)', () => {
  it("puts the caller's trace id on the service's spans in Zipkin and on its log lines in Elasticsearch", async () => {
    const traceId = randomHex(16);
    const res = await fetch(`${service.url}/orders/314`, { headers: { traceparent: `00-${traceId}-${randomHex(8)}-01` } });
    expect(res.status).toBe(200);

    const spans = await zipkinTrace(zipkin, traceId, (s) => s.some((x) => x.kind === 'SERVER' && x.name === 'get /orders/:id'));
    expect(spans.every((s) => s.localEndpoint.serviceName === serviceName)).toBe(true);
    const spanIds = new Set(spans.map((s) => s.id));

    const docs = await logsOfTrace(traceId, hasLines);
    const handlerLine = docs.find((d) => d.message === 'order loaded');
    const accessLine = docs.find((d) => d['log.logger'] === 'access' && d['http.route'] === '/orders/:id');
    expect(handlerLine).toMatchObject({ 'trace.id': traceId, 'service.name': serviceName, 'http.request.id': expect.any(String) });
    expect(accessLine).toMatchObject({ 'trace.id': traceId, message: 'GET /orders/:id 200', 'event.duration': expect.any(Number) });
    // The span ids in the logs are spans Zipkin has: one click from a log line to its span.
    expect(spanIds.has(handlerLine?.['span.id'] ?? '')).toBe(true);
    expect(handlerLine?.['http.request.id']).toBe(accessLine?.['http.request.id']);
  });

  it('correlates a request that arrived without trace context under the trace the service started', async () => {
    const answer = (await (await fetch(`${service.url}/orders/2718`)).json()) as { trace: { traceId: string } };
    const traceId = answer.trace.traceId;
    await zipkinTrace(zipkin, traceId, (s) => s.some((x) => x.kind === 'SERVER' && x.name === 'get /orders/:id'));
    const docs = await logsOfTrace(traceId, hasLines);
    expect(docs.every((d) => d['trace.id'] === traceId)).toBe(true);
  });

  it('counts the requests it served on /metrics by route pattern', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toMatch(/nimbus_http_server_requests_total\{method="GET",route="\/orders\/:id",status="200"\} [1-9]/);
    expect(text).toMatch(/nimbus_http_server_requests_total\{method="GET",route="\/inventory\/:sku",status="200"\} [1-9]/);
  });
});
