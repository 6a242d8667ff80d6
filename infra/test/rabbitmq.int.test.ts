import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './endpoints.js';

describe('RabbitMQ smoke (amqplib)', () => {
  let conn: amqp.ChannelModel;

  beforeAll(async () => {
    conn = await amqp.connect(endpoint('RABBITMQ_URL'));
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('publishes with a confirm through a topic exchange and consumes with a manual ack', async () => {
    const ch = await conn.createConfirmChannel();
    const exchange = uniqueName('smoke.events');
    const queue = uniqueName('smoke.q');
    await ch.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });
    await ch.assertQueue(queue, { durable: false, autoDelete: true });
    await ch.bindQueue(queue, exchange, 'order.*');

    const received = new Promise<string>((resolve) => {
      void ch.consume(queue, (msg) => {
        if (!msg) return;
        ch.ack(msg);
        resolve(msg.content.toString());
      });
    });
    ch.publish(exchange, 'order.created', Buffer.from('{"id":1}'), { persistent: true, messageId: 'm-1' });
    await ch.waitForConfirms();
    expect(await received).toBe('{"id":1}');
    await ch.close();
  });

  it('serves the management API (used by status and dashboards)', async () => {
    const url = new URL(endpoint('RABBITMQ_MANAGEMENT_URL'));
    const auth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
    const res = await fetch(`${url.origin}/api/overview`, { headers: { authorization: `Basic ${auth}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rabbitmq_version: string };
    expect(body.rabbitmq_version).toMatch(/^\d+\.\d+/);
  });
});
