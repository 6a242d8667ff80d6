import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './endpoints.js';

// A 7.x client: the 8.x client sends a compatible-with=8 media type that no 7.x
// server accepts. (The native runner reports the default distribution flavor,
// so the 7.x product check passes.) Services do not depend on this client:
// they ship logs through the plain `_bulk` API.
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
    const { body: bulk } = await client.bulk({ refresh: true, body: docs.flatMap((d) => [{ index: { _index: index } }, d]) });
    expect(bulk.errors).toBe(false);
    const { body } = await client.search({ index, body: { query: { term: { 'trace.id.keyword': traceId } } } });
    expect(body.hits.hits.map((h: { _source: { message: string } }) => h._source.message)).toEqual(['order placed']);
  });

  it('reports cluster health green or yellow', async () => {
    const { body } = await client.cluster.health();
    expect(['green', 'yellow']).toContain(body.status);
  });
});
