import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './endpoints.js';

describe('Kafka smoke (kafkajs, KRaft)', () => {
  const kafka = new Kafka({ clientId: 'smoke', brokers: endpoint('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });

  it('creates a keyed topic, produces and consumes in order within a key', async () => {
    const topic = uniqueName('smoke.orders');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({
      topic,
      messages: [1, 2, 3].map((n) => ({ key: 'order-42', value: `step-${n}` })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('smoke-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only got ${JSON.stringify(seen)}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === 3) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(seen).toEqual(['step-1', 'step-2', 'step-3']);
  });
});
