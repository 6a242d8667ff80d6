import { context, propagation, ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPropagator } from '../../src/telemetry/propagation.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const B3_TRACE_ID = '463ac35c9f6413ad48485a3953bb6124';
const B3_SPAN_ID = 'a2fb4a1d1a96d312';

const propagator = createPropagator();
const extract = (headers: Record<string, string>): Context => propagator.extract(ROOT_CONTEXT, headers, { get: (c, k) => (c as Record<string, string>)[k], keys: (c) => Object.keys(c as object) });
const inject = (ctx: Context): Record<string, string> => {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
  return carrier;
};

describe('createPropagator', () => {
  // propagation.getBaggage / createBaggage work without a registered propagator.
  beforeAll(() => propagation.disable());
  afterAll(() => context.disable());

  it('extracts the W3C traceparent of a caller', () => {
    const sc = trace.getSpanContext(extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }));
    expect(sc).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  });

  it('accepts a B3 single header from a Zipkin-instrumented caller', () => {
    const sc = trace.getSpanContext(extract({ b3: `${B3_TRACE_ID}-${B3_SPAN_ID}-1` }));
    expect(sc).toMatchObject({ traceId: B3_TRACE_ID, spanId: B3_SPAN_ID, traceFlags: TraceFlags.SAMPLED });
  });

  it('accepts B3 multi headers (X-B3-TraceId, X-B3-SpanId, X-B3-Sampled)', () => {
    const sc = trace.getSpanContext(extract({ 'x-b3-traceid': B3_TRACE_ID, 'x-b3-spanid': B3_SPAN_ID, 'x-b3-sampled': '1' }));
    expect(sc).toMatchObject({ traceId: B3_TRACE_ID, spanId: B3_SPAN_ID, traceFlags: TraceFlags.SAMPLED });
  });

  it('prefers W3C when a caller sends both W3C and B3 headers', () => {
    const sc = trace.getSpanContext(extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, b3: `${B3_TRACE_ID}-${B3_SPAN_ID}-1` }));
    expect(sc?.traceId).toBe(TRACE_ID);
  });

  it('sends W3C traceparent and baggage downstream, never B3 headers', () => {
    const ctx = extract({ b3: `${B3_TRACE_ID}-${B3_SPAN_ID}-1`, baggage: 'tenant=acme' });
    const headers = inject(ctx);
    expect(headers['traceparent']).toBe(`00-${B3_TRACE_ID}-${B3_SPAN_ID}-01`);
    expect(headers['baggage']).toBe('tenant=acme');
    expect(Object.keys(headers).filter((h) => h.toLowerCase().startsWith('b3') || h.toLowerCase().startsWith('x-b3'))).toEqual([]);
  });

  it('lists only the headers it writes as its fields', () => {
    expect(propagator.fields().sort()).toEqual(['baggage', 'traceparent', 'tracestate']);
  });
});
