import { expect, it } from 'vitest';
import { createEvent, type CloudEvent } from '../../../src/events/cloudevent.js';
import { eventually } from '../../support/endpoints.js';
import { deferred } from '../support.js';
import type { ContractContext } from './context.js';

/** What arrives, in which order, for whom. */
export function deliveryCases(c: ContractContext): void {
  it('delivers a published CloudEvent with its attributes and data intact', async () => {
    const { topic, group } = c.names();
    const b = c.bus();
    const got = deferred<CloudEvent>();
    b.subscribe(topic, group, async (e) => got.resolve(e));
    await b.start();
    const sent = createEvent({
      type: 'order.created',
      source: 'order-service',
      subject: 'order-1',
      dataschema: 'urn:nimbus:order.created:2',
      data: { id: 'order-1', lines: [{ sku: 'A', qty: 2 }], note: 'ünïcödé' },
    });
    await b.publish(topic, sent);
    expect(await got.promise).toEqual(sent);
  });

  it('handles the events of one subject in publish order', async () => {
    const { topic, group } = c.names();
    const b = c.bus();
    const seen = new Map<string, number[]>();
    b.subscribe<{ n: number }>(topic, group, async (e) => {
      // Uneven handler times: a consumer that ran one subject's events in
      // parallel would finish them out of order.
      await new Promise((r) => setTimeout(r, (3 - (e.data.n % 3)) * 5));
      seen.set(e.subject, [...(seen.get(e.subject) ?? []), e.data.n]);
    });
    await b.start();
    const subjects = ['order-a', 'order-b', 'order-c'];
    for (let n = 0; n < 30; n++) await b.publish(topic, c.event(subjects[n % 3] as string, { n }));
    await eventually(() => ([...seen.values()].flat().length === 30 ? true : undefined), 30_000, '30 events');
    for (const [i, subject] of subjects.entries()) {
      expect(seen.get(subject)).toEqual(Array.from({ length: 10 }, (_, k) => k * 3 + i));
    }
  });

  it('delivers only the event types a subscription asks for', async () => {
    const { topic, groups } = c.names(1);
    const [orders, everything] = groups as [string, string];
    const b = c.bus();
    const onlyOrders: string[] = [];
    const all: string[] = [];
    b.subscribe(topic, orders, async (e) => void onlyOrders.push(e.type), { types: ['order.*'] });
    b.subscribe(topic, everything, async (e) => void all.push(e.type));
    await b.start();
    for (const type of ['order.created', 'payment.captured', 'order.cancelled']) await b.publish(topic, c.event('order-1', {}, type));
    await eventually(() => (all.length === 3 && onlyOrders.length === 2 ? true : undefined), 30_000, 'both groups');
    expect(onlyOrders).toEqual(['order.created', 'order.cancelled']);
  });
}
