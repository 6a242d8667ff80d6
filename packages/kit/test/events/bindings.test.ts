import type { ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { createEvent } from '../../src/events/cloudevent.js';
import { DELIVERY } from '../../src/events/delivery-headers.js';
import { decodeKafka, deadLetterFromKafka, encodeKafka, kafkaAttempt, kafkaRetryAt, withDeliveryHeaders } from '../../src/events/kafka/binding.js';
import { attemptOf, decodeAmqp, deadLetterFromAmqp, encodeAmqp, republishOptions } from '../../src/events/rabbitmq/binding.js';

const event = { ...createEvent({ type: 'order.created', source: 'orders', subject: 'order-7', data: { n: 1 } }), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
const body = Buffer.from(JSON.stringify(event.data));

/** What amqplib hands a consumer for what was published with these options. */
function delivered(content: Buffer, options: ReturnType<typeof encodeAmqp>['options']): Pick<ConsumeMessage, 'content' | 'properties'> {
  return { content, properties: { headers: options.headers, contentType: options.contentType } as ConsumeMessage['properties'] };
}

describe('AMQP binding (binary mode)', () => {
  it('round-trips an event through cloudEvents: headers and the content-type property', () => {
    const { content, options } = encodeAmqp(event, body);
    expect(options).toMatchObject({ persistent: true, contentType: 'application/json', messageId: event.id, type: 'order.created', appId: 'orders' });
    expect(options.headers).toMatchObject({ 'cloudEvents:subject': 'order-7', 'cloudEvents:traceparent': event.traceparent });
    expect(decodeAmqp(delivered(content, options))).toEqual({ ok: true, event });
  });

  it('also reads the cloudEvents_ prefix the binding allows for JMS interop', () => {
    const { content, options } = encodeAmqp(event, body);
    const underscored = Object.fromEntries(Object.entries(options.headers as Record<string, string>).map(([k, v]) => [k.replace('cloudEvents:', 'cloudEvents_'), v]));
    expect(decodeAmqp(delivered(content, { ...options, headers: underscored }))).toEqual({ ok: true, event });
  });

  it('counts attempts from the delivery header, 1 when absent', () => {
    const { options } = encodeAmqp(event, body);
    expect(attemptOf(delivered(body, options))).toBe(1);
    expect(attemptOf(delivered(body, { ...options, headers: { [DELIVERY.attempt]: 3 } }))).toBe(3);
  });

  it('re-publishes without the x-death history RabbitMQ adds when a delay queue expires a message', () => {
    const props = { headers: { 'cloudEvents:id': 'e1', 'x-death': [{}], 'x-first-death-queue': 'q' }, contentType: 'application/json', messageId: 'e1' };
    const options = republishOptions(props as unknown as ConsumeMessage['properties'], { [DELIVERY.attempt]: 2 });
    expect(options.headers).toEqual({ 'cloudEvents:id': 'e1', [DELIVERY.attempt]: 2 });
    expect(options).toMatchObject({ persistent: true, messageId: 'e1', contentType: 'application/json' });
  });

  it('reads a dead letter with its reason, attempts and error', () => {
    const { options } = encodeAmqp(event, body);
    const headers = { ...options.headers, [DELIVERY.attempt]: 5, [DELIVERY.reason]: 'max-attempts', [DELIVERY.error]: 'Error: boom', [DELIVERY.topic]: 'orders', [DELIVERY.group]: 'billing' };
    expect(deadLetterFromAmqp(delivered(body, { ...options, headers }), 'x', 'y')).toMatchObject({ topic: 'orders', group: 'billing', attempts: 5, reason: 'max-attempts', error: 'Error: boom', event });
  });
});

describe('Kafka binding (binary mode)', () => {
  it('keys the record by subject and round-trips the event through ce_ headers', () => {
    const record = encodeKafka(event, body);
    expect(record.key).toBe('order-7');
    expect(record.headers).toMatchObject({ 'content-type': 'application/json', ce_id: event.id, ce_subject: 'order-7', ce_traceparent: event.traceparent });
    // kafkajs hands headers back as Buffers.
    const headers = Object.fromEntries(Object.entries(record.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(decodeKafka({ headers, value: body })).toEqual({ ok: true, event });
  });

  it('replaces delivery headers on a retry but leaves the event untouched', () => {
    const record = encodeKafka(event, body);
    const once = withDeliveryHeaders({ key: Buffer.from('order-7'), value: body, headers: record.headers ?? {} }, { [DELIVERY.attempt]: 2, [DELIVERY.retryAt]: 1000 });
    const twice = withDeliveryHeaders({ key: Buffer.from('order-7'), value: body, headers: once.headers ?? {} }, { [DELIVERY.attempt]: 3, [DELIVERY.retryAt]: 2000 });
    expect(kafkaAttempt({ headers: twice.headers ?? {} })).toBe(3);
    expect(kafkaRetryAt({ headers: twice.headers ?? {} })).toBe(2000);
    expect(decodeKafka({ headers: twice.headers ?? {}, value: body })).toEqual({ ok: true, event });
  });

  it('reads a malformed dead letter with its body and why', () => {
    const letter = deadLetterFromKafka({ headers: { [DELIVERY.reason]: 'malformed', [DELIVERY.error]: 'no specversion' }, value: Buffer.from('garbage') }, 'orders', 'billing');
    expect(letter).toMatchObject({ topic: 'orders', group: 'billing', reason: 'malformed', event: undefined, attempts: 1, error: 'no specversion' });
    expect(letter.body.toString()).toBe('garbage');
  });
});
