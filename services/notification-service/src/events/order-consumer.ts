import { EVENT_REJECTED, createProcessedStore, idempotent, type CloudEvent, type EventBus } from '@nimbus/kit';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Pool } from 'mysql2/promise';
import { NOTIFIED_EVENT_TYPES, render, shouldNotify, type NotifiedEventType, type OrderEventData } from '../domain/templates.js';
import { NO_RECIPIENT } from '../errors.js';
import type { Mailer } from '../mail/mailer.js';
import type { NotificationStore } from '../store/notifications.js';

/** What the templates read from order events; other fields are ignored. */
const EventData = Type.Object({
  orderId: Type.String({ minLength: 1, maxLength: 64 }),
  customerEmail: Type.Optional(Type.String({ maxLength: 254 })),
  reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  items: Type.Optional(Type.Array(Type.Object({ productId: Type.String(), quantity: Type.Integer(), unitPrice: Type.Optional(Type.Integer()) }))),
  total: Type.Optional(Type.Object({ amount: Type.Integer(), currency: Type.String() })),
});

export interface OrderConsumerOptions {
  bus: EventBus;
  pool: Pool;
  store: NotificationStore;
  mailer: Mailer;
  topic: string;
  group: string;
  defaultRecipient: string;
}

const isNotified = (type: string): type is NotifiedEventType => (NOTIFIED_EVENT_TYPES as readonly string[]).includes(type);

/**
 * One email per order event, once. The send runs inside the processed-event
 * transaction: a failed send rolls back and the bus redelivers with backoff
 * (events.consumer.maxAttempts / backoff), then dead-letters, which is
 * recorded as `failed`. A redelivered event finds its processed record and is
 * acknowledged without sending; the unique event_id of the notifications table
 * is the last guard. The one gap: a crash after the SMTP server accepted the
 * mail but before the commit sends it again on redelivery (at-least-once
 * SMTP; the Message-ID is stable per event so the copies are recognisable).
 */
export function subscribeOrderEvents(o: OrderConsumerOptions): void {
  const processed = createProcessedStore(o.pool);
  const handle = idempotent<OrderEventData>(processed, async (event: CloudEvent<OrderEventData>, delivery, conn) => {
    if (!isNotified(event.type) || !Value.Check(EventData, event.data)) throw EVENT_REJECTED(`${event.type} data does not match the expected shape`);
    if (!shouldNotify(event.type, event.data)) return;
    if (await o.store.sentFor(conn, event.id)) return;
    const to = event.data.customerEmail?.trim() || o.defaultRecipient;
    if (!to) throw NO_RECIPIENT(`event ${event.id} has no customerEmail and notifications.defaultRecipient is empty`);
    const email = render(event.type, event.data);
    const messageId = await o.mailer.send({ ...email, to, messageId: `<${event.id}@notification-service.nimbus>` });
    await o.store.recordSent(conn, { eventId: event.id, eventType: event.type, orderId: event.data.orderId, recipient: to, subject: email.subject, status: 'sent', attempts: delivery.attempt, messageId, error: null }, new Date());
    delivery.logger.info('notification sent', { 'order.id': event.data.orderId, 'event.type': event.type });
  });
  o.bus.subscribe<OrderEventData>(o.topic, o.group, handle, { types: [...NOTIFIED_EVENT_TYPES] });
  o.bus.subscribeDeadLetters(o.topic, o.group, async (letter) => {
    const event = letter.event as CloudEvent<Partial<OrderEventData>> | undefined;
    if (!event) return;
    const orderId = typeof event.data?.orderId === 'string' ? event.data.orderId.slice(0, 64) : event.subject.slice(0, 64);
    const recipient = event.data?.customerEmail || o.defaultRecipient || null;
    await o.store.recordFailed(o.pool, { eventId: event.id, eventType: event.type, orderId, recipient, subject: null, status: 'failed', attempts: letter.attempts, messageId: null, error: letter.error }, new Date());
  });
}
