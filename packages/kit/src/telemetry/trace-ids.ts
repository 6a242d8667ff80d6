import { context as contextApi, isSpanContextValid, trace, TraceFlags, type Context } from '@opentelemetry/api';

export interface TraceIds {
  /** 32 lowercase hex characters, as shown by Zipkin and stored in `trace.id`. */
  traceId: string;
  /** 16 lowercase hex characters, stored in `span.id`. */
  spanId: string;
  /** Whether the trace is being recorded (it is correlated in logs either way). */
  sampled: boolean;
}

/** The trace and span of the active context (or of `ctx`), if there is one. */
export function currentTraceIds(ctx: Context = contextApi.active()): TraceIds | undefined {
  const sc = trace.getSpanContext(ctx);
  if (!sc || !isSpanContextValid(sc)) return undefined;
  return { traceId: sc.traceId, spanId: sc.spanId, sampled: (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED };
}
