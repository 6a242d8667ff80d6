import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RedactingSpanExporter } from '../../src/telemetry/redacting-exporter.js';

function span(attributes: ReadableSpan['attributes'], events: ReadableSpan['events'] = []): ReadableSpan {
  const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  return {
    name: 'op',
    kind: SpanKind.CLIENT,
    spanContext: () => sc,
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: SpanStatusCode.UNSET },
    attributes,
    links: [],
    events,
    duration: [1, 0],
    ended: true,
    resource: resourceFromAttributes({ 'service.name': 's' }),
    instrumentationScope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

function capture(): { exporter: SpanExporter; spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return {
    spans,
    exporter: {
      export: (batch: ReadableSpan[], cb: (r: ExportResult) => void) => {
        spans.push(...batch);
        cb({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    },
  };
}

describe('RedactingSpanExporter', () => {
  it('passes spans without secrets through as the very same objects', () => {
    const inner = capture();
    const clean = span({ 'url.full': 'http://inventory/items/1', 'http.response.status_code': 200 });
    new RedactingSpanExporter(inner.exporter).export([clean], () => {});
    expect(inner.spans[0]).toBe(clean);
  });

  it('redacts secrets in attributes and exception events, keeping the span context', () => {
    const inner = capture();
    const dirty = span({ 'url.full': 'http://u:pw@db/x?token=abc', 'db.statement': "UPDATE users SET password='x'" }, [
      { name: 'exception', time: [1, 5], attributes: { 'exception.message': 'rejected Bearer abcdefghijkl' } },
    ]);
    let result: ExportResult | undefined;
    new RedactingSpanExporter(inner.exporter).export([dirty], (r) => (result = r));
    const out = inner.spans[0];
    expect(result?.code).toBe(ExportResultCode.SUCCESS);
    expect(out?.attributes).toEqual({ 'url.full': 'http://u:[REDACTED]@db/x?token=[REDACTED]', 'db.statement': "UPDATE users SET password='[REDACTED]'" });
    expect(out?.events[0]?.attributes).toEqual({ 'exception.message': 'rejected Bearer [REDACTED]' });
    expect(out?.spanContext()).toEqual(dirty.spanContext());
    expect(dirty.attributes['url.full']).toBe('http://u:pw@db/x?token=abc');
  });
});
