import { createEvent } from '@nimbus/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteMailsTo, eventually, mailsTo, startNotificationService, type TestNotificationService } from './support/harness.js';

const ADMIN = { 'x-user-id': 'admin-1', 'x-user-roles': 'admin' };
const orderEvent = (type: string, orderId: string, data: Record<string, unknown>) =>
  createEvent({ type, source: 'order-service', subject: orderId, data: { orderId, items: [{ productId: 'widget', quantity: 2, unitPrice: 250 }], total: { amount: 500, currency: 'EUR' }, ...data } });
const settle = () => new Promise((r) => setTimeout(r, 1_000));

describe('notification-service with SMTP up (live RabbitMQ and Mailpit)', () => {
  let t: TestNotificationService;
  let customer: string;
  let fallback: string;

  beforeAll(async () => {
    const runId = `${Date.now().toString(36)}`;
    fallback = `fallback-${runId}@nimbus.test`;
    t = await startNotificationService({ 'notifications.defaultRecipient': fallback });
    customer = `customer-${t.runId}@nimbus.test`;
  });
  afterAll(async () => {
    await deleteMailsTo(customer);
    await deleteMailsTo(fallback);
    await t?.stop();
  });

  it('emails the customer once for an order.confirmed delivered twice, and records it sent', async () => {
    const event = orderEvent('order.confirmed', `o-confirmed-${t.runId}`, { customerEmail: customer });
    await t.bus.publish(t.ordersTopic, event);
    await t.bus.publish(t.ordersTopic, event);
    const [mail] = await eventually(async () => {
      const found = await mailsTo(customer);
      return found.length > 0 ? found : undefined;
    });
    expect(mail?.Subject).toBe(`Your order o-confirmed-${t.runId} is confirmed`);
    await settle();
    expect(await mailsTo(customer)).toHaveLength(1);
    const res = await t.service.app.inject({ url: '/notifications', query: { orderId: `o-confirmed-${t.runId}` }, headers: ADMIN });
    expect(res.json<{ items: unknown[] }>().items).toEqual([expect.objectContaining({ eventId: event.id, status: 'sent', recipient: customer, attempts: 1 })]);
  });

  it('sends order.failed with its reason to notifications.defaultRecipient when the event has no customerEmail', async () => {
    await t.bus.publish(t.ordersTopic, orderEvent('order.failed', `o-failed-${t.runId}`, { reason: 'out of stock' }));
    const [mail] = await eventually(async () => {
      const found = (await mailsTo(fallback)).filter((m) => m.Subject.includes(`o-failed-${t.runId}`));
      return found.length > 0 ? found : undefined;
    });
    expect(mail?.Subject).toBe(`Your order o-failed-${t.runId} could not be completed`);
  });

  it('sends nothing for the saga’s compensation cancel', async () => {
    const orderId = `o-compensation-${t.runId}`;
    await t.bus.publish(t.ordersTopic, orderEvent('order.cancelled', orderId, { customerEmail: customer, reason: 'compensation' }));
    // A customer cancel published after it: once that arrives, the compensation was handled (one subject, in order).
    await t.bus.publish(t.ordersTopic, orderEvent('order.cancelled', orderId, { customerEmail: customer, reason: 'cancelled by customer' }));
    await eventually(async () => ((await mailsTo(customer)).some((m) => m.Subject.includes(orderId)) ? true : undefined));
    await settle();
    expect((await mailsTo(customer)).filter((m) => m.Subject.includes(orderId))).toHaveLength(1);
  });

  it('hides the notification records from non-admins', async () => {
    const res = await t.service.app.inject({ url: '/notifications', query: { orderId: 'x' }, headers: { 'x-user-id': 'alice' } });
    expect(res.statusCode).toBe(403);
  });
});

describe('notification-service with SMTP down', () => {
  let t: TestNotificationService;

  beforeAll(async () => {
    // Port 1 on loopback refuses connections: every send fails fast.
    t = await startNotificationService({ 'smtp.url': 'smtp://127.0.0.1:1', 'events.consumer.maxAttempts': 3, 'events.consumer.backoff.initialMs': 50, 'events.consumer.backoff.maxMs': 100 });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('retries with backoff, then dead-letters the event and records the notification failed', async () => {
    const orderId = `o-down-${t.runId}`;
    const event = orderEvent('order.confirmed', orderId, { customerEmail: `down-${t.runId}@nimbus.test` });
    await t.bus.publish(t.ordersTopic, event);
    const [row] = await eventually(async () => {
      const res = await t.service.app.inject({ url: '/notifications', query: { orderId }, headers: ADMIN });
      const items = res.json<{ items: { status: string; attempts: number; error: string }[] }>().items;
      return items.length > 0 ? items : undefined;
    });
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row?.error).toContain('EMAIL_SEND_FAILED');
  });
});
