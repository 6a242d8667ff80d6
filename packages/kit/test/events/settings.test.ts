import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { resolveSettings, undocumentedSettings } from '../../src/config/settings.js';
import { EventBusSettings } from '../../src/events/settings.js';

describe('EventBusSettings', () => {
  it('documents every setting with a default and a description', () => {
    expect(undocumentedSettings(EventBusSettings)).toEqual([]);
  });

  it('defaults to RabbitMQ with 5 attempts and exponential backoff from 1 s', () => {
    const s = resolveSettings(EventBusSettings, {});
    expect(s.binder).toBe('rabbitmq');
    expect(s.consumer).toMatchObject({ maxAttempts: 5, backoff: { initialMs: 1_000, maxMs: 30_000, multiplier: 2 } });
    expect(s.rabbitmq.prefetch).toBe(10);
    expect(s.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(s.outbox).toMatchObject({ table: 'nimbus_outbox', pollIntervalMs: 1_000, batchSize: 100 });
  });

  it('converts flat string values the way config sources deliver them', () => {
    const s = resolveSettings(EventBusSettings, { binder: 'kafka', 'consumer.maxAttempts': '3', 'outbox.batchSize': '50' });
    expect(s).toMatchObject({ binder: 'kafka', consumer: { maxAttempts: 3 }, outbox: { batchSize: 50 } });
  });

  it('refuses an unknown binder and a table name that is not a plain identifier', () => {
    expect(() => resolveSettings(EventBusSettings, { binder: 'nats' })).toThrow(/binder/);
    expect(() => resolveSettings(EventBusSettings, { 'outbox.table': 'outbox; DROP TABLE x' })).toThrow(/outbox\.table/);
  });

  it('builds complete settings from an empty object on its own (nested defaults included)', () => {
    expect(Value.Check(EventBusSettings, Value.Default(EventBusSettings, {}))).toBe(true);
  });
});
