import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { activeTelemetry, currentTraceIds, spansUrl, startTelemetry } from '../../src/telemetry/index.js';

// One process-wide SDK at a time, as in production: each test shuts it down.
afterEach(async () => {
  await activeTelemetry()?.shutdown();
});

const identity = { serviceName: 'sdk-test', serviceVersion: '1.2.3', serviceInstanceId: 'sdk-test-1' };

describe('startTelemetry', () => {
  it('records spans with service.name, service.version and service.instance.id on the resource', async () => {
    const exporter = new InMemorySpanExporter();
    const handle = startTelemetry(identity, { exporter });
    trace.getTracer('test').startActiveSpan('op', (span) => span.end());
    await handle.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('op');
    expect(span?.resource.attributes).toMatchObject({ 'service.name': 'sdk-test', 'service.version': '1.2.3', 'service.instance.id': 'sdk-test-1' });
  });

  it('flushes buffered spans on shutdown', async () => {
    const exporter = new InMemorySpanExporter();
    // A batch delay far longer than the test: only the shutdown flush can deliver.
    const handle = startTelemetry({ ...identity, batch: { scheduledDelayMs: 600_000 } }, { exporter });
    trace.getTracer('test').startActiveSpan('buffered', (span) => span.end());
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    // InMemorySpanExporter forgets its spans when shut down; keep what it had been given.
    const exported: string[] = [];
    const original = exporter.export.bind(exporter);
    exporter.export = (spans, cb) => {
      exported.push(...spans.map((s) => s.name));
      original(spans, cb);
    };
    await handle.shutdown();
    expect(exported).toEqual(['buffered']);
    expect(activeTelemetry()).toBeUndefined();
  });

  it('returns the already running handle when tracing was started earlier (by the preload)', () => {
    const first = startTelemetry(identity, { exporter: new InMemorySpanExporter() });
    const second = startTelemetry({ ...identity, serviceName: 'other' }, { exporter: new InMemorySpanExporter() });
    expect(second).toBe(first);
    expect(activeTelemetry()).toBe(first);
  });

  it('changes the sample ratio of a running SDK', () => {
    const exporter = new InMemorySpanExporter();
    const handle = startTelemetry(identity, { exporter });
    handle.setSampleRatio(0);
    expect(handle.sampleRatio).toBe(0);
    const span = trace.getTracer('test').startSpan('dropped', { kind: SpanKind.SERVER });
    expect(span.isRecording()).toBe(false);
    span.end();
  });

  it('starts nothing when disabled, and says so on the handle', () => {
    const handle = startTelemetry({ ...identity, enabled: false }, { exporter: new InMemorySpanExporter() });
    expect(handle.enabled).toBe(false);
    const span = trace.getTracer('test').startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
  });

  it('redacts secrets from span attributes before they are exported', async () => {
    const exporter = new InMemorySpanExporter();
    const handle = startTelemetry(identity, { exporter });
    trace.getTracer('test').startActiveSpan('call', (span) => {
      span.setAttribute('url.full', 'https://idp.example/cb?access_token=abc123secret&state=ok');
      span.setAttribute('http.request.header.authorization', 'Bearer abcdefghijklmnop');
      span.setAttribute('http.response.status_code', 200);
      span.end();
    });
    await handle.forceFlush();
    const attributes = exporter.getFinishedSpans()[0]?.attributes;
    expect(attributes).toMatchObject({
      'url.full': 'https://idp.example/cb?access_token=[REDACTED]&state=ok',
      'http.request.header.authorization': '[REDACTED]',
      'http.response.status_code': 200,
    });
  });

  it('fails with CONFIG_INVALID naming the setting when a setting is out of range', () => {
    expect(() => startTelemetry({ ...identity, sampleRatio: 2 }, { exporter: new InMemorySpanExporter() })).toThrow(/sampleRatio/);
  });
});

describe('currentTraceIds', () => {
  afterEach(async () => {
    await activeTelemetry()?.shutdown();
  });

  it('gives the trace and span of the active span, and nothing outside a span', () => {
    startTelemetry(identity, { exporter: new InMemorySpanExporter() });
    expect(currentTraceIds()).toBeUndefined();
    trace.getTracer('test').startActiveSpan('op', (span) => {
      expect(currentTraceIds()).toEqual({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, sampled: true });
      span.end();
    });
  });
});

describe('spansUrl', () => {
  it('accepts the Zipkin base URL or the spans endpoint', () => {
    expect(spansUrl('http://127.0.0.1:9411')).toBe('http://127.0.0.1:9411/api/v2/spans');
    expect(spansUrl('http://127.0.0.1:9411/')).toBe('http://127.0.0.1:9411/api/v2/spans');
    expect(spansUrl('http://zipkin:9411/api/v2/spans')).toBe('http://zipkin:9411/api/v2/spans');
  });
});
