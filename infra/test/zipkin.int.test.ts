import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { describe, expect, it } from 'vitest';
import { endpoint, eventually } from './endpoints.js';

describe('Zipkin smoke (@opentelemetry/exporter-zipkin)', () => {
  it('exports a span and reads its trace back from /api/v2/trace', async () => {
    const zipkin = endpoint('ZIPKIN_URL');
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'smoke-test' }),
      spanProcessors: [new SimpleSpanProcessor(new ZipkinExporter({ url: `${zipkin}/api/v2/spans` }))],
    });
    const span = provider.getTracer('smoke').startSpan('smoke-operation');
    const { traceId } = span.spanContext();
    span.end();
    await provider.forceFlush();
    await provider.shutdown();

    const spans = await eventually(async () => {
      const res = await fetch(`${zipkin}/api/v2/trace/${traceId}`);
      return res.ok ? ((await res.json()) as Array<{ name: string; localEndpoint: { serviceName: string } }>) : undefined;
    }, 15_000, `trace ${traceId} in Zipkin`);
    expect(spans[0]).toMatchObject({ name: 'smoke-operation', localEndpoint: { serviceName: 'smoke-test' } });
  });
});
