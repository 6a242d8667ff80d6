import { describe, expect, it } from 'vitest';
import { EVENT_SUBSCRIPTION_INVALID } from '../../src/events/errors.js';
import { retryDelays, rabbitNames } from '../../src/events/rabbitmq/topology.js';
import { kafkaNames } from '../../src/events/kafka/topics.js';
import { resolveSubscription, SubscriptionList } from '../../src/events/subscription.js';
import { testSettings } from './support.js';

const handler = async () => undefined;

describe('resolveSubscription', () => {
  it('takes maxAttempts and backoff from the settings unless the subscription overrides them', () => {
    const settings = testSettings({ consumer: { maxAttempts: 4 } });
    expect(resolveSubscription('orders', 'billing', handler, {}, settings)).toMatchObject({ maxAttempts: 4, types: ['#'] });
    expect(resolveSubscription('orders', 'billing', handler, { maxAttempts: 2, types: ['order.*'] }, settings)).toMatchObject({ maxAttempts: 2, types: ['order.*'] });
  });

  it.each([
    ['a topic with a space', 'or ders', 'billing', {}],
    ['a group with a slash', 'orders', 'bill/ing', {}],
    ['names too long for Kafka', 'o'.repeat(200), 'g'.repeat(60), {}],
    ['a bad type pattern', 'orders', 'billing', { types: ['order..x'] }],
    ['zero attempts', 'orders', 'billing', { maxAttempts: 0 }],
  ])('refuses %s', (_what, topic, group, opts) => {
    expect(() => resolveSubscription(topic, group, handler, opts, testSettings())).toThrow(expect.objectContaining({ code: EVENT_SUBSCRIPTION_INVALID.code }));
  });
});

describe('SubscriptionList', () => {
  it('refuses a second handler for the same topic and group on one bus', () => {
    const list = new SubscriptionList<{ topic: string; group: string }>();
    list.add({ topic: 'orders', group: 'billing' });
    list.add({ topic: 'orders', group: 'shipping' });
    expect(() => list.add({ topic: 'orders', group: 'billing' })).toThrow(/already subscribes/);
  });
});

describe('broker names', () => {
  it('follow <group>.<topic> on RabbitMQ and <topic>.<group>.retry|dlt on Kafka', () => {
    expect(rabbitNames.queue('orders', 'billing')).toBe('billing.orders');
    expect(rabbitNames.deadLetterQueue('orders', 'billing')).toBe('billing.orders.dlq');
    expect(rabbitNames.delayQueue('orders', 'billing', 2000)).toBe('billing.orders.retry.2000ms');
    expect(kafkaNames.retryTopic('orders', 'billing')).toBe('orders.billing.retry');
    expect(kafkaNames.deadLetterTopic('orders', 'billing')).toBe('orders.billing.dlt');
  });

  it('declare one RabbitMQ delay queue per distinct delay', () => {
    expect(retryDelays({ maxAttempts: 6, backoff: { initialMs: 100, maxMs: 400, multiplier: 2 } })).toEqual([100, 200, 400]);
    expect(retryDelays({ maxAttempts: 1, backoff: { initialMs: 100, maxMs: 400, multiplier: 2 } })).toEqual([]);
  });
});
