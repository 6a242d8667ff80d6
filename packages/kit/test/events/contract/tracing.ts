import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/endpoints.js';
import { deferred } from '../support.js';
import type { ContractContext } from './context.js';

/** W3C trace context across the broker hop. */
export function tracingCases(c: ContractContext): void {
  describe('with OpenTelemetry registered', () => {
    const exporter = new InMemorySpanExporter();
    let provider: NodeTracerProvider;
    beforeAll(() => {
      provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      provider.register();
    });
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('continues the publisher’s trace in the handler, through a producer and a consumer span', async () => {
      const { topic, group } = c.names();
      const b = c.bus();
      const inHandler = deferred<string | undefined>();
      b.subscribe(topic, group, async () => inHandler.resolve(trace.getActiveSpan()?.spanContext().traceId));
      await b.start();
      const traceId = await trace.getTracer('test').startActiveSpan('POST /orders', async (span) => {
        await b.publish(topic, c.event('order-1', {}));
        span.end();
        return span.spanContext().traceId;
      });
      expect(await inHandler.promise).toBe(traceId);
      const spans = exporter.getFinishedSpans();
      const publish = spans.find((s) => s.name === `publish ${topic}`);
      const processed = await eventually(() => exporter.getFinishedSpans().find((s) => s.name === `process ${topic}`));
      expect(publish?.kind).toBe(SpanKind.PRODUCER);
      expect(processed.kind).toBe(SpanKind.CONSUMER);
      expect(processed.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
      expect(processed.spanContext().traceId).toBe(traceId);
    });
  });
}
