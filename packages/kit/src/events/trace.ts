import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { CloudEvent } from './cloudevent.js';

// Spans follow the OpenTelemetry messaging conventions, so Zipkin shows
// "publish orders" and "process orders" with the broker hop between them.
// With no SDK registered, every call here is a cheap no-op.
const tracer = trace.getTracer('@nimbus/kit/events');

type TraceFields = { traceparent?: string; tracestate?: string };

const setter = {
  set(carrier: TraceFields, key: string, value: string) {
    if (key === 'traceparent' || key === 'tracestate') carrier[key] = value;
  },
};
const getter = {
  keys: (carrier: TraceFields) => Object.keys(carrier),
  get: (carrier: TraceFields, key: string) => (key === 'traceparent' || key === 'tracestate' ? carrier[key] : undefined),
};

/** The trace context of `ctx` as CloudEvents distributed-tracing attributes. */
export function traceFields(ctx: Context = context.active()): TraceFields {
  const out: TraceFields = {};
  propagation.inject(ctx, out, setter);
  return out;
}

/** The remote context an event carries (ROOT when it carries none). */
export function eventContext(event: TraceFields, base: Context = ROOT_CONTEXT): Context {
  if (!event.traceparent) return base;
  return propagation.extract(base, { traceparent: event.traceparent, ...(event.tracestate && { tracestate: event.tracestate }) }, getter);
}

/**
 * Runs a publish inside a producer span. The span's parent is the trace the
 * event already carries (an outbox row keeps the request's trace) or else the
 * active one; the event then carries the producer span's context.
 */
export async function withPublishSpan<R>(
  system: string,
  topic: string,
  event: CloudEvent,
  publish: (traced: CloudEvent) => Promise<R>,
): Promise<R> {
  const parent = event.traceparent ? eventContext(event, context.active()) : context.active();
  const span = tracer.startSpan(
    `publish ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': system,
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.message.id': event.id,
        'cloudevents.event_type': event.type,
        'cloudevents.event_subject': event.subject,
      },
    },
    parent,
  );
  const spanContext = trace.setSpan(parent, span);
  try {
    const result = await context.with(spanContext, () => publish(withTrace(event, traceFields(spanContext))));
    span.end();
    return result;
  } catch (err) {
    endWithError(span, err);
    throw err;
  }
}

// With no propagator registered nothing is injected: keep what the event had.
function withTrace(event: CloudEvent, injected: TraceFields): CloudEvent {
  if (!injected.traceparent) return event;
  const { traceparent: _parent, tracestate: _state, ...rest } = event;
  return { ...rest, ...injected };
}

/** Runs a handler inside a consumer span whose parent is the publisher's context. */
export async function withProcessSpan<R>(
  system: string,
  topic: string,
  group: string,
  event: CloudEvent,
  attempt: number,
  run: () => Promise<R>,
): Promise<R> {
  const parent = eventContext(event);
  const span = tracer.startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': system,
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': group,
        'messaging.message.id': event.id,
        'messaging.delivery.attempt': attempt,
        'cloudevents.event_type': event.type,
        'cloudevents.event_subject': event.subject,
      },
    },
    parent,
  );
  try {
    const result = await context.with(trace.setSpan(parent, span), run);
    span.end();
    return result;
  } catch (err) {
    endWithError(span, err);
    throw err;
  }
}

function endWithError(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  span.end();
}
