import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { isSensitiveKey, REDACTED, redactString } from '../logging/redact.js';

/**
 * Applies the log redaction rules to span attributes before they leave the
 * process: instrumentations record `url.full`, `url.query`, SQL text and
 * exception messages verbatim, and Zipkin is read by more people than the
 * service's secrets should be. Runs on the export path (batched, off the
 * request path); spans without secrets are passed through untouched.
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export function redactSpan(span: ReadableSpan): ReadableSpan {
  const attributes = redactAttributes(span.attributes);
  let events: TimedEvent[] | undefined;
  span.events.forEach((event, i) => {
    const redacted = event.attributes && redactAttributes(event.attributes);
    if (redacted !== event.attributes) (events ??= [...span.events])[i] = { ...event, attributes: redacted };
  });
  if (attributes === span.attributes && !events) return span;
  // A plain copy rather than a prototype trick: SDK span classes may keep
  // state in private fields that a derived object cannot reach.
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes,
    links: span.links,
    events: events ?? span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

function redactAttributes(attributes: Attributes): Attributes {
  let copy: Attributes | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    let next: unknown = value;
    if (isSensitiveKey(key) && value !== undefined && typeof value !== 'number' && typeof value !== 'boolean') next = REDACTED;
    else if (typeof value === 'string') next = redactString(value);
    else if (Array.isArray(value)) next = value.map((v: unknown) => (typeof v === 'string' ? redactString(v) : v));
    if (next !== value && !(Array.isArray(value) && (next as unknown[]).every((v, i) => v === value[i]))) {
      (copy ??= { ...attributes })[key] = next as Attributes[string];
    }
  }
  return copy ?? attributes;
}
