import { isSpanContextValid, SpanKind, trace, type Attributes, type Context, type Link } from '@opentelemetry/api';
import {
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import { CONFIG_INVALID } from '../errors/catalogue.js';

export interface NimbusSamplerOptions {
  ratio: number;
  /** Record CLIENT spans that have no parent (see `tracing.rootClientSpans`). */
  rootClientSpans: boolean;
}

/**
 * ParentBased(TraceIdRatio), as Micrometer does: a caller's decision is
 * followed, new traces are kept with probability `ratio`. Two additions:
 * the ratio can change while running (configuration refresh, like Sleuth's
 * refreshable sampler), and CLIENT spans with no parent are not recorded
 * unless asked, so outbox pollers, discovery watches and config polls do not
 * fill Zipkin with one-span traces.
 */
export class NimbusSampler implements Sampler {
  #delegate!: Sampler;
  #ratio = 1;
  readonly #rootClientSpans: boolean;

  constructor(opts: NimbusSamplerOptions) {
    this.#rootClientSpans = opts.rootClientSpans;
    this.setRatio(opts.ratio);
  }

  get ratio(): number {
    return this.#ratio;
  }

  setRatio(ratio: number): void {
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw CONFIG_INVALID(`tracing.sampleRatio must be a number from 0 to 1, got ${String(ratio)}`);
    this.#ratio = ratio;
    this.#delegate = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }

  shouldSample(ctx: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (!this.#rootClientSpans && kind === SpanKind.CLIENT) {
      const parent = trace.getSpanContext(ctx);
      if (!parent || !isSpanContextValid(parent)) return { decision: SamplingDecision.NOT_RECORD };
    }
    return this.#delegate.shouldSample(ctx, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return `NimbusSampler{ratio=${this.#ratio},rootClientSpans=${this.#rootClientSpans}}`;
  }
}
