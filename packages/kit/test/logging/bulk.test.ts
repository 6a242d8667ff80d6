import { describe, expect, it } from 'vitest';
import { bulkEntry, bulkOutcome, indexName } from '../../src/logging/bulk.js';

describe('indexName', () => {
  it("names a daily index per service from the event's UTC day", () => {
    expect(indexName('logs', 'order-service', '2024-05-01T23:59:59.999Z')).toBe('logs-order-service-2024.05.01');
  });

  it('makes any service name a valid index name', () => {
    expect(indexName('logs', '_Order Service/EU#1', '2024-05-01T00:00:00Z')).toBe('logs-order_service_eu_1-2024.05.01');
  });
});

describe('bulkEntry', () => {
  it('writes a create action for the index and the document, newline-terminated', () => {
    const e = bulkEntry('logs-a-2024.05.01', '{"message":"é"}');
    expect(e.lines).toBe('{"create":{"_index":"logs-a-2024.05.01"}}\n{"message":"é"}\n');
    expect(e.bytes).toBe(Buffer.byteLength(e.lines));
  });
});

describe('bulkOutcome', () => {
  const entries = ['a', 'b', 'c'].map((m) => bulkEntry('i', `{"message":"${m}"}`));

  it('counts everything shipped when Elasticsearch reports no errors, or answers like Logstash', () => {
    expect(bulkOutcome(entries, '{"errors":false}')).toMatchObject({ shipped: 3, rejected: 0, retry: [] });
    expect(bulkOutcome(entries, 'ok')).toMatchObject({ shipped: 3, rejected: 0, retry: [] });
  });

  it('retries items refused as busy and gives up on items refused as invalid', () => {
    const body = JSON.stringify({
      errors: true,
      items: [
        { create: { status: 201 } },
        { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [status]' } } },
        { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } },
      ],
    });
    const outcome = bulkOutcome(entries, body);
    expect(outcome).toMatchObject({ shipped: 1, rejected: 1, firstRejection: '400 mapper_parsing_exception: failed to parse field [status]' });
    expect(outcome.retry).toEqual([entries[2]]);
  });
});
