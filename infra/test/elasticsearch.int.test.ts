import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './endpoints.js';

// The 7.13 client: the last without the "product check", which rejects the
// native route's Elasticsearch 7.10.2 (codelibs runner) as "not Elasticsearch".
// Services do not depend on it: they ship logs through the plain `_bulk` API.
describe('Elasticsearch smoke (@elastic/elasticsearch)', () => {
  const client = new Client({ node: endpoint('ELASTICSEARCH_URL') });
  const index = uniqueName('logs-smoke');
  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('accepts a _bulk of ECS log lines and finds one by trace.id', async () => {
    const traceId = uniqueName('trace');
    const docs = [
      { '@timestamp': new Date().toISOString(), message: 'order placed', 'service.name': 'order-service', 'trace.id': traceId },
      { '@timestamp': new Date().toISOString(), message: 'other', 'service.name': 'order-service', 'trace.id': 'x' },
    ];
    const { body: bulk } = await client.bulk({ refresh: 'true', body: docs.flatMap((d) => [{ index: { _index: index } }, d]) });
    expect(bulk.errors).toBe(false);
    const { body } = await client.search({ index, body: { query: { term: { 'trace.id.keyword': traceId } } } });
    expect(body.hits.hits.map((h: { _source: { message: string } }) => h._source.message)).toEqual(['order placed']);
  });

  it('reports cluster health green or yellow', async () => {
    const { body } = await client.cluster.health();
    expect(['green', 'yellow']).toContain(body.status);
  });
});
