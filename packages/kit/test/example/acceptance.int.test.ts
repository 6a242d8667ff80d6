import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, eventually, uniqueName } from '../support/endpoints.js';
import { startFixture, type Fixture } from '../telemetry/fixtures/child.js';

// The kit's acceptance test: a service built only from the kit, started as a
// real process the way services start (`node --import <register>`), against
// live Consul, Vault, MariaDB and each broker. It registers and passes its
// Consul check, serves a request whose trace reaches Zipkin and whose log
// lines reach Elasticsearch under the same trace id, carries an event
// through the outbox and the broker, and shuts down cleanly.

const consul = endpoint('CONSUL_URL');
const zipkin = endpoint('ZIPKIN_URL');
const elasticsearch = endpoint('ELASTICSEARCH_URL');

interface ConsulEntry {
  Service: { ID: string; Service: string; Meta: Record<string, string> };
  Checks: Array<{ Status: string }>;
}
async function passingInstances(name: string): Promise<ConsulEntry[]> {
  const res = await fetch(`${consul}/v1/health/service/${name}?passing=true`);
  return (await res.json()) as ConsulEntry[];
}

describe.each(['rabbitmq', 'kafka'] as const)('a kit service on %s', (binder) => {
  const name = uniqueName(`kit-example-${binder}`);
  const database = name.replace(/-/g, '_');
  let service: Fixture;

  beforeAll(async () => {
    service = await startFixture(
      '../../example/greeting-main.ts',
      {
        NIMBUS_SERVICE_NAME: name,
        OTEL_SERVICE_NAME: name,
        NIMBUS_SERVER_PORT: '0',
        NIMBUS_CONFIG_SERVER_ENABLED: 'false',
        EXAMPLE_DATABASE: database,
        EVENTS_BINDER: binder,
        NIMBUS_DISCOVERY_REGISTRATION_CHECK_INTERVALMS: '1000',
        MYSQL_URL: endpoint('MYSQL_URL'),
        RABBITMQ_URL: endpoint('RABBITMQ_URL'),
        KAFKA_BROKERS: endpoint('KAFKA_BROKERS'),
        VAULT_ADDR: endpoint('VAULT_ADDR'),
        VAULT_TOKEN: endpoint('VAULT_TOKEN'),
        CONSUL_URL: consul,
        ZIPKIN_URL: zipkin,
        LOGS_URL: endpoint('LOGS_URL'),
      },
      90_000,
    );
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    const admin = await mysql.createConnection(endpoint('MYSQL_URL'));
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });

  it('registers in Consul with its version and passes its HTTP check', async () => {
    const [entry] = await eventually(async () => {
      const list = await passingInstances(name);
      return list.length > 0 ? list : undefined;
    }, 30_000, `${name} passing in Consul`);
    expect(entry!.Service.Meta).toMatchObject({ version: '1.0.0' });
  });

  it('serves a request whose trace reaches Zipkin and whose log lines reach Elasticsearch with the same trace id', async () => {
    const traceId = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const res = await fetch(`${service.url}/greetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    // The event went through the outbox and the broker to the consumer.
    await eventually(async () => {
      const r = await fetch(`${service.url}/greetings/${id}`);
      return ((await r.json()) as { delivered: boolean }).delivered ? true : undefined;
    }, 30_000, 'the greeting event to be consumed');

    const spans = await eventually(async () => {
      const r = await fetch(`${zipkin}/api/v2/trace/${traceId}`);
      if (!r.ok) return undefined;
      const list = (await r.json()) as Array<{ name: string; localEndpoint?: { serviceName: string } }>;
      return list.some((s) => s.name.includes('/greetings')) && list.length >= 3 ? list : undefined;
    }, 30_000, `trace ${traceId} in Zipkin`);
    expect(spans.every((s) => s.localEndpoint?.serviceName === name)).toBe(true);

    const docs = await eventually(async () => {
      const r = await fetch(`${elasticsearch}/logs-*/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size: 20, query: { match: { 'trace.id': traceId } } }),
      });
      if (!r.ok) return undefined;
      const hits = ((await r.json()) as { hits: { hits: Array<{ _source: { message: string; 'service.name': string } }> } }).hits.hits.map((h) => h._source);
      return hits.some((d) => d.message === 'greeting stored') && hits.some((d) => d.message === 'greeting received') ? hits : undefined;
    }, 30_000, `log lines of trace ${traceId} in Elasticsearch`);
    expect(docs.every((d) => d['service.name'] === name)).toBe(true);
  });

  it('answers bad input with problem+json and a stable code', async () => {
    const res = await fetch(`${service.url}/greetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":""}' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
  });

  it('shuts down cleanly on SIGTERM and leaves Consul', async () => {
    expect(await service.stop()).toBe(0);
    const left = await passingInstances(name);
    expect(left).toEqual([]);
  });
});
