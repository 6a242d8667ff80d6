import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaEventBus } from '../../src/events/kafka/bus.js';
import { RabbitEventBus } from '../../src/events/rabbitmq/bus.js';
import { endpoint } from '../support/endpoints.js';
import { testDeps, testSettings, type BinderHarness } from './support.js';

/** Calls the RabbitMQ management API (for clean-up and for dropping connections). */
export async function rabbitManagement(path: string, method = 'GET'): Promise<unknown> {
  const url = new URL(endpoint('RABBITMQ_MANAGEMENT_URL'));
  const auth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  const res = await fetch(`${url.origin}/api${path}`, { method, headers: { authorization: `Basic ${auth}` } });
  if (!res.ok && res.status !== 404) throw new Error(`${method} ${path}: ${res.status}`);
  return res.status === 204 || method !== 'GET' ? undefined : res.json();
}

export async function rabbitHarness(): Promise<BinderHarness> {
  const url = endpoint('RABBITMQ_URL');
  const conn = await amqp.connect(url);
  return {
    binder: 'rabbitmq',
    settings: (o) => testSettings({ binder: 'rabbitmq', rabbitmq: { url } }, o),
    unreachableSettings: (o) => testSettings({ binder: 'rabbitmq', rabbitmq: { url: 'amqp://nimbus:nimbus@127.0.0.1:1' } }, o),
    createBus: (settings, deps = testDeps()) => new RabbitEventBus(settings, deps),
    async publishGarbage(topic, body) {
      const ch = await conn.createConfirmChannel();
      ch.publish(topic, 'garbage', body, { persistent: true });
      await ch.waitForConfirms();
      await ch.close();
    },
    async cleanup(topic, groups) {
      const queues = (await rabbitManagement('/queues/%2F?columns=name')) as { name: string }[];
      for (const q of queues.filter((q) => groups.some((g) => q.name.startsWith(`${g}.`)))) {
        await rabbitManagement(`/queues/%2F/${encodeURIComponent(q.name)}`, 'DELETE');
      }
      await rabbitManagement(`/exchanges/%2F/${encodeURIComponent(topic)}`, 'DELETE');
    },
    close: () => conn.close(),
  };
}

export async function kafkaHarness(): Promise<BinderHarness> {
  const brokers = endpoint('KAFKA_BROKERS').split(',');
  const kafka = new Kafka({ clientId: 'events-contract', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  await admin.connect();
  await producer.connect();
  return {
    binder: 'kafka',
    settings: (o) => testSettings({ binder: 'kafka', kafka: { brokers } }, o),
    unreachableSettings: (o) => testSettings({ binder: 'kafka', kafka: { brokers: ['127.0.0.1:1'] } }, o),
    createBus: (settings, deps = testDeps()) => new KafkaEventBus(settings, deps),
    async publishGarbage(topic, body) {
      await producer.send({ topic, messages: [{ key: 'garbage', value: body }] });
    },
    async cleanup(topic, groups) {
      const topics = (await admin.listTopics()).filter((t) => t === topic || t.startsWith(`${topic}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      await admin.deleteGroups([...groups, ...groups.map((g) => `${g}.dead-letters`)]).catch(() => undefined);
    },
    async close() {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}
