import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/events/bus.js';
import { createEvent, type CloudEvent } from '../../src/events/cloudevent.js';
import { RabbitEventBus } from '../../src/events/rabbitmq/bus.js';
import { subscriptionQueues } from '../../src/events/rabbitmq/topology.js';
import { endpoint, eventually, uniqueName } from '../support/endpoints.js';
import { rabbitHarness, rabbitManagement } from './harness.js';
import { deferred, testDeps, type BinderHarness } from './support.js';

describe('RabbitMQ binder', () => {
  let h: BinderHarness;
  let raw: amqp.ChannelModel;
  const buses: EventBus[] = [];
  const created: { topic: string; groups: string[] }[] = [];

  beforeAll(async () => {
    h = await rabbitHarness();
    raw = await amqp.connect(endpoint('RABBITMQ_URL'));
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close({ timeoutMs: 0 })));
    for (const { topic, groups } of created.splice(0)) await h.cleanup(topic, groups);
  });
  afterAll(async () => {
    await raw?.close();
    await h?.close();
  });

  function names() {
    const topic = uniqueName('rabbit');
    const group = uniqueName('group');
    created.push({ topic, groups: [group] });
    return { topic, group };
  }
  const event = (n: number) => createEvent({ type: 'order.created', source: 'rabbit-test', subject: 'order-1', data: { n } });

  it('declares a durable topic exchange, <group>.<topic> queue, one delay queue per retry delay and a dead-letter queue', async () => {
    const { topic, group } = names();
    const settings = h.settings({ consumer: { maxAttempts: 5, backoff: { initialMs: 100, maxMs: 400, multiplier: 2 } } });
    const bus = new RabbitEventBus(settings, testDeps());
    buses.push(bus);
    bus.subscribe(topic, group, async () => undefined);
    await bus.start();

    const exchange = (await rabbitManagement(`/exchanges/%2F/${encodeURIComponent(topic)}`)) as { type: string; durable: boolean };
    expect(exchange).toMatchObject({ type: 'topic', durable: true });
    const queues = (await rabbitManagement('/queues/%2F?columns=name,durable,arguments')) as { name: string; durable: boolean; arguments: Record<string, unknown> }[];
    const ours = queues.filter((q) => q.name.startsWith(`${group}.`)).sort((a, b) => a.name.localeCompare(b.name));
    // Delays 100, 200, 400, 400 ms for attempts 1-4: the capped ones share a queue.
    expect(ours.map((q) => q.name)).toEqual([
      `${group}.${topic}`,
      `${group}.${topic}.dlq`,
      `${group}.${topic}.retry.100ms`,
      `${group}.${topic}.retry.200ms`,
      `${group}.${topic}.retry.400ms`,
    ]);
    expect(ours.every((q) => q.durable)).toBe(true);
    expect(ours.find((q) => q.name.endsWith('retry.200ms'))?.arguments).toEqual({
      'x-message-ttl': 200,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': `${group}.${topic}`,
    });
    expect(subscriptionQueues({ topic, group, maxAttempts: 5, backoff: settings.consumer.backoff }).sort()).toEqual(ours.map((q) => q.name));
  });

  it('publishes persistent messages in CloudEvents binary mode (cloudEvents: headers, JSON body)', async () => {
    const { topic, group } = names();
    const bus = new RabbitEventBus(h.settings(), testDeps());
    buses.push(bus);
    bus.subscribe(topic, group, async () => undefined);
    await bus.start();
    await bus.stopConsuming(); // leave the message in the queue to inspect it
    const sent = event(1);
    await bus.publish(topic, sent);

    const ch = await raw.createChannel();
    const msg = await eventually(async () => (await ch.get(`${group}.${topic}`, { noAck: true })) || undefined);
    await ch.close();
    expect(msg.properties.deliveryMode).toBe(2);
    expect(msg.properties.contentType).toBe('application/json');
    expect(msg.properties.messageId).toBe(sent.id);
    expect(msg.fields.routingKey).toBe('order.created');
    expect(msg.properties.headers).toMatchObject({
      'cloudEvents:specversion': '1.0',
      'cloudEvents:id': sent.id,
      'cloudEvents:type': 'order.created',
      'cloudEvents:source': 'rabbit-test',
      'cloudEvents:subject': 'order-1',
      'cloudEvents:time': sent.time,
    });
    expect(JSON.parse(msg.content.toString())).toEqual({ n: 1 });
  });

  it('reconnects and resumes consuming after the broker drops its connection', async () => {
    const { topic, group } = names();
    const deps = testDeps(uniqueName('reconnect-test'));
    const bus = new RabbitEventBus(h.settings(), deps);
    buses.push(bus);
    const got: CloudEvent[] = [];
    bus.subscribe(topic, group, async (e) => void got.push(e));
    await bus.start();
    await bus.publish(topic, event(1));
    await eventually(() => (got.length === 1 ? true : undefined));

    // Close the bus's connection from the broker side, as a broker restart or network cut would.
    const connections = await eventually(async () => {
      const all = (await rabbitManagement('/connections?columns=name,client_properties')) as { name: string; client_properties: { connection_name?: string } }[];
      const mine = all.filter((c) => c.client_properties.connection_name?.startsWith(deps.service));
      return mine.length > 0 ? mine : undefined;
    });
    for (const c of connections) await rabbitManagement(`/connections/${encodeURIComponent(c.name)}`, 'DELETE');
    await eventually(() => bus.healthCheck().check().then(() => undefined, () => true), 10_000, 'the bus to notice');

    await eventually(() => bus.healthCheck().check().then(() => true), 15_000, 'the bus to reconnect');
    await bus.publish(topic, event(2));
    await eventually(() => (got.length === 2 ? true : undefined), 15_000, 'the event after reconnecting');
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
  });

  it('finishes a handler that is running when the bus closes, and acknowledges its event', async () => {
    const { topic, group } = names();
    const bus = new RabbitEventBus(h.settings({ consumer: { shutdownTimeoutMs: 10_000 } }), testDeps());
    const started = deferred();
    const release = deferred();
    let finished = false;
    bus.subscribe(topic, group, async () => {
      started.resolve();
      await release.promise;
      finished = true;
    });
    await bus.start();
    await bus.publish(topic, event(1));
    await started.promise;
    const closing = bus.close();
    release.resolve();
    await closing;
    expect(finished).toBe(true);
    // Its connection is closed, so an unacknowledged message would be back in the queue.
    const ch = await raw.createChannel();
    const queue = await ch.checkQueue(`${group}.${topic}`);
    await ch.close();
    expect(queue.messageCount).toBe(0);
  });
});
