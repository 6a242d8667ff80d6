import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/events/bus.js';
import { createEvent } from '../../src/events/cloudevent.js';
import { KafkaEventBus } from '../../src/events/kafka/bus.js';
import { endpoint, eventually, uniqueName } from '../support/endpoints.js';
import { kafkaHarness } from './harness.js';
import { testDeps, type BinderHarness } from './support.js';

describe('Kafka binder', () => {
  let h: BinderHarness;
  const kafka = new Kafka({ clientId: 'kafka-binder-test', brokers: endpoint('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const buses: EventBus[] = [];
  const created: { topic: string; groups: string[] }[] = [];

  beforeAll(async () => {
    h = await kafkaHarness();
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close({ timeoutMs: 0 })));
    for (const { topic, groups } of created.splice(0)) await h.cleanup(topic, groups);
  });
  afterAll(async () => {
    await admin.disconnect();
    await h?.close();
  });

  function bus(): EventBus {
    const b = new KafkaEventBus(h.settings(), testDeps());
    buses.push(b);
    return b;
  }
  const event = (subject: string, n: number) => createEvent({ type: 'order.created', source: 'kafka-test', subject, data: { n } });

  it('creates the event topic and per-group <topic>.<group>.retry and <topic>.<group>.dlt topics with the configured partitions', async () => {
    const topic = uniqueName('kafka');
    const group = uniqueName('group');
    created.push({ topic, groups: [group] });
    const b = bus();
    b.subscribe(topic, group, async () => undefined);
    await b.start();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic, `${topic}.${group}.retry`, `${topic}.${group}.dlt`] });
    expect(metadata.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      [topic, 3],
      [`${topic}.${group}.dlt`, 3],
      [`${topic}.${group}.retry`, 3],
    ]);
  });

  it('keys records by subject and carries the CloudEvent as ce_ headers with a JSON value', async () => {
    const topic = uniqueName('kafka');
    const reader = uniqueName('reader');
    created.push({ topic, groups: [reader] });
    const b = bus();
    await b.start();
    const sent = [event('order-1', 1), event('order-2', 2), event('order-1', 3)];
    for (const e of sent) await b.publish(topic, e);

    const consumer = kafka.consumer({ groupId: reader });
    const records: { partition: number; message: KafkaMessage }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void records.push({ partition, message }) });
    await eventually(() => (records.length === 3 ? true : undefined), 30_000, 'three records');
    await consumer.disconnect();

    const byKey = (key: string) => records.filter((r) => r.message.key?.toString() === key);
    expect(byKey('order-1')).toHaveLength(2);
    expect(new Set(byKey('order-1').map((r) => r.partition)).size).toBe(1);
    const first = records.find((r) => r.message.headers?.['ce_id']?.toString() === sent[0]?.id);
    const headers = Object.fromEntries(Object.entries(first?.message.headers ?? {}).map(([k, v]) => [k, v?.toString()]));
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: sent[0]?.id,
      ce_type: 'order.created',
      ce_source: 'kafka-test',
      ce_subject: 'order-1',
      ce_time: sent[0]?.time,
    });
    expect(JSON.parse(first?.message.value?.toString() ?? '')).toEqual({ n: 1 });
  });

  it('serves one group subscribed to two topics from one process (each topic reaches its own handler)', async () => {
    // kafkajs's stock assigner would hand each member both topics' partitions
    // and drop the ones it did not subscribe to, starving a topic.
    const [orders, payments] = [uniqueName('orders'), uniqueName('payments')];
    const group = uniqueName('group');
    created.push({ topic: orders, groups: [group] }, { topic: payments, groups: [] });
    const b = bus();
    const got: string[] = [];
    b.subscribe(orders, group, async (e) => void got.push(`orders:${e.subject}`));
    b.subscribe(payments, group, async (e) => void got.push(`payments:${e.subject}`));
    await b.start();
    for (let n = 0; n < 6; n++) {
      await b.publish(orders, event(`order-${n}`, n));
      await b.publish(payments, event(`payment-${n}`, n));
    }
    await eventually(() => (got.length === 12 ? true : undefined), 30_000, 'events of both topics');
    expect(got.filter((g) => g.startsWith('orders:'))).toHaveLength(6);
    expect(got.filter((g) => g.startsWith('payments:'))).toHaveLength(6);
  });

  it('shares a topic’s partitions between two consumers of the same group', async () => {
    const topic = uniqueName('kafka');
    const group = uniqueName('group');
    created.push({ topic, groups: [group] });
    const [one, two] = [bus(), bus()];
    const seen = { one: new Set<string>(), two: new Set<string>() };
    one.subscribe(topic, group, async (e) => void seen.one.add(e.id));
    two.subscribe(topic, group, async (e) => void seen.two.add(e.id));
    await one.start();
    await two.start();
    // Both members are in the group once each reports healthy (consumer joined).
    await eventually(() => Promise.all([one.healthCheck().check(), two.healthCheck().check()]).then(() => true), 30_000, 'both members');
    const ids: string[] = [];
    for (let n = 0; n < 30; n++) {
      const e = event(`order-${n}`, n);
      ids.push(e.id);
      await one.publish(topic, e);
    }
    await eventually(() => (seen.one.size + seen.two.size >= 30 ? true : undefined), 30_000, 'all events');
    expect(new Set([...seen.one, ...seen.two])).toEqual(new Set(ids));
    expect([...seen.one].filter((id) => seen.two.has(id))).toEqual([]);
  });
});
