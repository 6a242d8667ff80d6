import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigRefreshListener } from '../../../src/config/server-client/index.js';
import { endpoint, eventually, uniqueName } from '../../support/endpoints.js';
import { settings } from './support.js';

// The listener on a live RabbitMQ: every instance gets its own queue, events
// for other applications are ignored, bursts cause one refresh.

const exchange = uniqueName('nimbus.config.listener-test');
let conn: ChannelModel;
let ch: Channel;
const listeners: ConfigRefreshListener[] = [];

function publishStructured(applications: string[]) {
  const event = { specversion: '1.0', id: uniqueName('e'), type: 'config.refresh', source: 'test', subject: 'c', time: new Date().toISOString(), datacontenttype: 'application/json', data: { applications, commit: 'c' } };
  ch.publish(exchange, 'config.refresh', Buffer.from(JSON.stringify(event)), { contentType: 'application/cloudevents+json' });
}

async function listen(application: string) {
  const calls = { n: 0 };
  const listener = await ConfigRefreshListener.start({
    settings: settings({ 'config.server.refresh.rabbitmqUrl': endpoint('RABBITMQ_URL'), 'config.server.refresh.exchange': exchange, 'config.server.refresh.debounceMs': 100 }),
    application,
    store: {
      refresh: async () => {
        calls.n++;
        return [];
      },
    },
  });
  listeners.push(listener);
  await listener.ready();
  return calls;
}

beforeAll(async () => {
  conn = await connect(endpoint('RABBITMQ_URL'));
  ch = await conn.createChannel();
  await ch.assertExchange(exchange, 'topic', { durable: true });
});

afterAll(async () => {
  await Promise.all(listeners.map((l) => l.close()));
  await ch.deleteExchange(exchange);
  await conn.close();
});

describe('ConfigRefreshListener', () => {
  it('refreshes every instance of the named application, and only those', async () => {
    const a1 = await listen('orders');
    const a2 = await listen('orders');
    const other = await listen('inventory');
    publishStructured(['orders']);
    await eventually(() => (a1.n === 1 && a2.n === 1 ? true : undefined), 5_000, 'both instances refreshed');
    await new Promise((r) => setTimeout(r, 300));
    expect(other.n).toBe(0);
  });

  it('refreshes everyone on *, and once for a burst of events', async () => {
    const calls = await listen('payments');
    for (let i = 0; i < 5; i++) publishStructured(['*']);
    await eventually(() => (calls.n >= 1 ? true : undefined), 5_000, 'refreshed');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.n).toBe(1);
  });

  it('understands the kit EventBus binary form, so the publisher can be swapped', async () => {
    const calls = await listen('shipping');
    ch.publish(exchange, 'config.refresh', Buffer.from(JSON.stringify({ applications: ['shipping'], commit: 'c' })), {
      contentType: 'application/json',
      headers: { 'cloudEvents:type': 'config.refresh', 'cloudEvents:id': 'b1', 'cloudEvents:specversion': '1.0' },
    });
    await eventually(() => (calls.n === 1 ? true : undefined), 5_000, 'refreshed from a binary event');
  });

  it('reports readiness while subscribed', async () => {
    await expect(listeners[0]!.healthCheck().check()).resolves.toEqual({ exchange });
  });
});
