import type { ConsumeMessage, MessageProperties, Options } from 'amqplib';
import type { DeadLetter } from '../bus.js';
import { CONTEXT_ATTRIBUTES, decodeEvent, type CloudEvent, type ContextAttribute, type Decoded } from '../cloudevent.js';
import { DELIVERY, headerText, parseAttempt, parseReason } from '../delivery-headers.js';

/**
 * CloudEvents binary content mode over AMQP 0-9-1, after the AMQP binding:
 * attributes as `cloudEvents:<name>` headers, datacontenttype as the
 * content-type property, data as the body.
 * https://github.com/cloudevents/spec/blob/main/cloudevents/bindings/amqp-protocol-binding.md
 */
export const AMQP_PREFIX = 'cloudEvents:';
// The binding's JMS-friendly variant; accepted on input only.
const ALT_PREFIX = 'cloudEvents_';

// Headers RabbitMQ adds when a delay queue dead-letters a message back; they
// would pile up with every retry if copied onto the republished message.
const BROKER_HEADERS = /^x-(death|first-death-|last-death-)/;

export function encodeAmqp(event: CloudEvent, body: Buffer): { content: Buffer; options: Options.Publish } {
  const headers: Record<string, string> = {};
  for (const name of CONTEXT_ATTRIBUTES) {
    const value = event[name];
    if (value !== undefined) headers[AMQP_PREFIX + name] = value;
  }
  return {
    content: body,
    options: {
      persistent: true,
      contentType: event.datacontenttype,
      // Native properties too, so the management UI and plain AMQP tools show them.
      messageId: event.id,
      type: event.type,
      appId: event.source,
      timestamp: Math.floor(Date.parse(event.time) / 1000),
      headers,
    },
  };
}

export function decodeAmqp(msg: Pick<ConsumeMessage, 'content' | 'properties'>): Decoded {
  const headers = msg.properties.headers ?? {};
  const attributes: Partial<Record<ContextAttribute, string>> = {};
  for (const name of CONTEXT_ATTRIBUTES) {
    const value = headerText(headers[AMQP_PREFIX + name] ?? headers[ALT_PREFIX + name]);
    if (value !== undefined) attributes[name] = value;
  }
  return decodeEvent(attributes, msg.properties.contentType as string | undefined, msg.content);
}

export function attemptOf(msg: Pick<ConsumeMessage, 'properties'>): number {
  return parseAttempt(msg.properties.headers?.[DELIVERY.attempt]);
}

/** The subject (ordering key) even of a message that does not decode. */
export function subjectOf(msg: Pick<ConsumeMessage, 'properties'>): string | undefined {
  const headers = msg.properties.headers ?? {};
  return headerText(headers[AMQP_PREFIX + 'subject'] ?? headers[ALT_PREFIX + 'subject']);
}

/** Publish options that re-send a received message unchanged but for the given delivery headers. */
export function republishOptions(properties: MessageProperties, delivery: Record<string, string | number>): Options.Publish {
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(properties.headers ?? {})) if (!BROKER_HEADERS.test(k)) headers[k] = v;
  Object.assign(headers, delivery);
  const options: Options.Publish = { persistent: true, headers };
  if (properties.contentType !== undefined) options.contentType = properties.contentType as string;
  if (properties.messageId !== undefined) options.messageId = properties.messageId as string;
  if (properties.type !== undefined) options.type = properties.type as string;
  if (properties.appId !== undefined) options.appId = properties.appId as string;
  if (properties.timestamp !== undefined) options.timestamp = properties.timestamp as number;
  return options;
}

/** Reads a message from a dead-letter queue. */
export function deadLetterFromAmqp(msg: Pick<ConsumeMessage, 'content' | 'properties'>, topic: string, group: string): DeadLetter {
  const headers = msg.properties.headers ?? {};
  const decoded = decodeAmqp(msg);
  const reason = parseReason(headerText(headers[DELIVERY.reason]));
  return {
    topic: headerText(headers[DELIVERY.topic]) ?? topic,
    group: headerText(headers[DELIVERY.group]) ?? group,
    event: decoded.ok ? decoded.event : undefined,
    body: msg.content,
    attempts: parseAttempt(headers[DELIVERY.attempt]),
    reason,
    error: headerText(headers[DELIVERY.error]) ?? (decoded.ok ? '' : decoded.error),
    deadLetteredAt: headerText(headers[DELIVERY.deadLetteredAt]) ?? '',
  };
}
