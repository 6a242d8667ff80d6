import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, ElasticsearchShipper } from '../../src/logging/index.js';
import { endpoint, eventually, uniqueName } from '../support/endpoints.js';

// Straight against the live Elasticsearch's _bulk (7.10 natively, 8 in
// compose), because index naming and per-item errors are Elasticsearch's
// answers; through Logstash (compose LOGS_URL) both are Logstash's business.
const elasticsearch = endpoint('ELASTICSEARCH_URL');
const serviceName = uniqueName('kit-shipper');
const registry = new Registry();
const problems: string[] = [];
const shipper = new ElasticsearchShipper({ serviceName, url: elasticsearch }, { registry, report: (p) => problems.push(p) });
const logger = createLogger({ serviceName, serviceVersion: '9.9.9', stdout: false, shipper });

afterAll(async () => {
  await shipper.shutdown();
});

async function search(query: object): Promise<Array<{ _index: string; _source: Record<string, unknown> }>> {
  const res = await fetch(`${elasticsearch}/logs-${serviceName}-*/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 20, query }),
  });
  if (!res.ok) return [];
  return ((await res.json()) as { hits: { hits: Array<{ _index: string; _source: Record<string, unknown> }> } }).hits.hits;
}

describe('ElasticsearchShipper against the live Elasticsearch', () => {
  it("stores ECS documents, secrets already redacted, in the service's daily index", async () => {
    const marker = uniqueName('marker');
    logger.info(`payment ${marker} authorised with Bearer abcdefghijklmnop`, { 'order.id': 'o-1', card: { number: '4111', cvv: '123' }, password: 'hunter2' });
    await shipper.flush();
    const hits = await eventually(async () => {
      const found = await search({ match: { message: marker } });
      return found.length > 0 ? found : undefined;
    }, 30_000, 'the shipped document');
    const [hit] = hits;
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '.');
    expect(hit?._index).toBe(`logs-${serviceName}-${day}`);
    expect(hit?._source).toMatchObject({
      'service.name': serviceName,
      'service.version': '9.9.9',
      'log.level': 'info',
      'order.id': 'o-1',
      password: '[REDACTED]',
      '@timestamp': expect.any(String),
    });
    expect(JSON.stringify(hit?._source)).not.toContain('abcdefghijklmnop');
    expect(shipper.stats.shipped).toBeGreaterThanOrEqual(1);
  });

  it('counts a document Elasticsearch refuses (mapping conflict) as rejected, without retrying it', async () => {
    const field = `conflict_${Date.now().toString(36)}`;
    logger.info('numeric first', { [field]: 12 });
    await shipper.flush();
    const before = shipper.stats.dropped.rejected;
    logger.info('object second', { [field]: { amount: 1 } });
    await shipper.flush();
    expect(shipper.stats.dropped.rejected).toBe(before + 1);
    expect(problems.join('\n')).toMatch(/mapper_parsing_exception|illegal_argument_exception/);
    const metric = await registry.getSingleMetric('nimbus_log_shipper_dropped_total')?.get();
    expect(metric?.values.find((v) => v.labels['reason'] === 'rejected')?.value).toBe(before + 1);
  });
});
