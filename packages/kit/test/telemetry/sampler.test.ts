import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { isProblemError } from '../../src/errors/problem.js';
import { NimbusSampler } from '../../src/telemetry/sampler.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const parent = (sampled: boolean) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: 'b7ad6b7169203331', traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
const decide = (s: NimbusSampler, ctx = ROOT_CONTEXT, kind = SpanKind.SERVER, traceId = TRACE_ID) => s.shouldSample(ctx, traceId, 'op', kind, {}, []).decision;

describe('NimbusSampler', () => {
  it("follows the caller's sampling decision whatever the ratio", () => {
    const never = new NimbusSampler({ ratio: 0, rootClientSpans: false });
    expect(decide(never, parent(true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    const always = new NimbusSampler({ ratio: 1, rootClientSpans: false });
    expect(decide(always, parent(false))).toBe(SamplingDecision.NOT_RECORD);
  });

  it('keeps every new trace at ratio 1 and none at ratio 0', () => {
    expect(decide(new NimbusSampler({ ratio: 1, rootClientSpans: false }))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(new NimbusSampler({ ratio: 0, rootClientSpans: false }))).toBe(SamplingDecision.NOT_RECORD);
  });

  it('applies a new ratio to traces started after the change', () => {
    const sampler = new NimbusSampler({ ratio: 1, rootClientSpans: false });
    sampler.setRatio(0);
    expect(sampler.ratio).toBe(0);
    expect(decide(sampler)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('does not record client calls made outside any trace unless asked to', () => {
    expect(decide(new NimbusSampler({ ratio: 1, rootClientSpans: false }), ROOT_CONTEXT, SpanKind.CLIENT)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(new NimbusSampler({ ratio: 1, rootClientSpans: true }), ROOT_CONTEXT, SpanKind.CLIENT)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(new NimbusSampler({ ratio: 1, rootClientSpans: false }), parent(true), SpanKind.CLIENT)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('refuses a ratio outside 0..1 with CONFIG_INVALID', () => {
    const sampler = new NimbusSampler({ ratio: 1, rootClientSpans: false });
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      let caught: unknown;
      try {
        sampler.setRatio(bad);
      } catch (err) {
        caught = err;
      }
      expect(isProblemError(caught) && caught.code).toBe('CONFIG_INVALID');
    }
    expect(sampler.ratio).toBe(1);
  });
});
