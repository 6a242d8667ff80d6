import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { DeadLetter } from '../bus.js';
import { CONTEXT_ATTRIBUTES, decodeEvent, type CloudEvent, type ContextAttribute, type Decoded } from '../cloudevent.js';
import { DELIVERY, headerText, parseAttempt, parseReason } from '../delivery-headers.js';

/**
 * CloudEvents binary content mode over Kafka, after the Kafka binding:
 * attributes as `ce_<name>` headers, datacontenttype as `content-type`, data
 * as the value, and the subject as the key so one entity's events share a
 * partition (and so an order).
 * https://github.com/cloudevents/spec/blob/main/cloudevents/bindings/kafka-protocol-binding.md
 */
export const KAFKA_PREFIX = 'ce_';

export function encodeKafka(event: CloudEvent, body: Buffer): Message {
  const headers: IHeaders = { 'content-type': event.datacontenttype };
  for (const name of CONTEXT_ATTRIBUTES) {
    const value = event[name];
    if (value !== undefined) headers[KAFKA_PREFIX + name] = value;
  }
  return { key: event.subject, value: body, headers, timestamp: String(Date.parse(event.time)) };
}

export function decodeKafka(message: Pick<KafkaMessage, 'headers' | 'value'>): Decoded {
  const headers = message.headers ?? {};
  const attributes: Partial<Record<ContextAttribute, string>> = {};
  for (const name of CONTEXT_ATTRIBUTES) {
    const value = headerText(headers[KAFKA_PREFIX + name]);
    if (value !== undefined) attributes[name] = value;
  }
  return decodeEvent(attributes, headerText(headers['content-type']), message.value ?? Buffer.alloc(0));
}

export function kafkaAttempt(message: Pick<KafkaMessage, 'headers'>): number {
  return parseAttempt(message.headers?.[DELIVERY.attempt]);
}

/** When a retried message may be handled again (0 when it carries no delay). */
export function kafkaRetryAt(message: Pick<KafkaMessage, 'headers'>): number {
  const at = Number(headerText(message.headers?.[DELIVERY.retryAt]));
  return Number.isFinite(at) ? at : 0;
}

/** The same record with delivery headers replaced: the CloudEvent itself travels unchanged. */
export function withDeliveryHeaders(message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>, delivery: Record<string, string | number>): Message {
  const headers: IHeaders = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) if (!k.startsWith('x-nimbus-')) headers[k] = v;
  for (const [k, v] of Object.entries(delivery)) headers[k] = String(v);
  return { key: message.key, value: message.value, headers };
}

export function deadLetterFromKafka(message: Pick<KafkaMessage, 'headers' | 'value'>, topic: string, group: string): DeadLetter {
  const headers = message.headers ?? {};
  const decoded = decodeKafka(message);
  return {
    topic: headerText(headers[DELIVERY.topic]) ?? topic,
    group: headerText(headers[DELIVERY.group]) ?? group,
    event: decoded.ok ? decoded.event : undefined,
    body: message.value ?? Buffer.alloc(0),
    attempts: parseAttempt(headers[DELIVERY.attempt]),
    reason: parseReason(headerText(headers[DELIVERY.reason])),
    error: headerText(headers[DELIVERY.error]) ?? (decoded.ok ? '' : decoded.error),
    deadLetteredAt: headerText(headers[DELIVERY.deadLetteredAt]) ?? '',
  };
}
