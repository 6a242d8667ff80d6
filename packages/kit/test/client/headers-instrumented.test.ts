import { context, trace } from '@opentelemetry/api';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { json, startOrigin, testClient } from './support.js';

// Its own file: the instrumentation hooks undici process-wide.
describe('service client with @opentelemetry/instrumentation-undici enabled', () => {
  it('leaves injection to the instrumentation, so exactly one traceparent (its client span) is sent', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    const instrumentation = new UndiciInstrumentation();
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
    const origin = await startOrigin((_, res) => json(res, 200, {}));
    const { client } = testClient([origin.url]);
    try {
      const parent = provider.getTracer('test').startSpan('checkout');
      await context.with(trace.setSpan(context.active(), parent), () => client.request('svc', { path: '/x', auth: 'none' }));
      parent.end();
      const raw = origin.seen[0]!.rawHeaders;
      const traceparents = raw.filter((_, i) => i % 2 === 0 && raw[i]!.toLowerCase() === 'traceparent').length;
      expect(traceparents).toBe(1);
      const clientSpan = exporter.getFinishedSpans().find((s) => s.name === 'GET');
      expect(clientSpan?.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(origin.seen[0]!.headers['traceparent']).toBe(`00-${parent.spanContext().traceId}-${clientSpan?.spanContext().spanId}-01`);
    } finally {
      instrumentation.disable();
      await client.close();
      await origin.close();
      await provider.shutdown();
      trace.disable();
      context.disable();
    }
  });
});
