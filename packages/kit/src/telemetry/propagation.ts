import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3Propagator } from '@opentelemetry/propagator-b3';

/**
 * Reads a propagator's headers but never writes them. B3 is accepted from
 * older Zipkin-instrumented callers (Sleuth, Brave) without being sent on,
 * because Micrometer and every Nimbus service speak W3C on the wire.
 */
class ExtractOnly implements TextMapPropagator {
  constructor(private readonly inner: TextMapPropagator) {}

  inject(_context: Context, _carrier: unknown, _setter: TextMapSetter): void {}

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.inner.extract(context, carrier, getter);
  }

  fields(): string[] {
    return [];
  }
}

/**
 * W3C `traceparent`/`tracestate` and `baggage` on every hop; B3 single
 * (`b3`) and multi (`X-B3-*`) headers accepted on extract.
 *
 * Extraction runs left to right and each propagator that finds its headers
 * replaces the context, so B3 is listed first: when a caller sends both,
 * W3C wins.
 */
export function createPropagator(): TextMapPropagator {
  return new CompositePropagator({
    propagators: [new ExtractOnly(new B3Propagator()), new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
}
