import { EVENT_REJECTED, createProcessedStore, idempotent, type EventBus, type CloudEvent } from '@nimbus/kit';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Pool } from 'mysql2/promise';
import { normaliseItems, type ReservationAction } from '../domain/reservation.js';
import { RESERVATION_NOT_ACTIVE, RESERVATION_NOT_FOUND } from '../errors.js';
import type { InventoryStore } from '../store/inventory.js';

/** What inventory reads from order events; other fields are ignored. */
const OrderEventData = Type.Object({
  orderId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  items: Type.Optional(Type.Array(Type.Object({ productId: Type.String(), quantity: Type.Integer() }))),
});
type OrderEventData = Static<typeof OrderEventData>;

export const ORDER_EVENT_TYPES = ['order.created', 'order.cancelled', 'order.confirmed', 'order.completed'] as const;

export interface OrderConsumerOptions {
  bus: EventBus;
  pool: Pool;
  store: InventoryStore;
  topic: string;
  group: string;
  ttlMs: number;
  maxItems: number;
  /** Called after a handler committed (nudges the outbox relay). */
  onApplied: () => void;
}

const orderIdOf = (event: CloudEvent<OrderEventData>) => event.data.orderId ?? event.subject;

/** What each order event does to the order's reservation (order.created reserves). */
const ACTION: Readonly<Record<Exclude<(typeof ORDER_EVENT_TYPES)[number], 'order.created'>, ReservationAction>> = {
  'order.confirmed': 'confirm',
  'order.completed': 'commit',
  'order.cancelled': 'release',
};

/**
 * order.created reserves (announcing inventory.reserved or inventory.rejected),
 * order.confirmed keeps the hold past its expiry, order.completed commits,
 * order.cancelled releases (a confirmed order's stock too). Each
 * runs once per event id: the effects, the outbox rows and the processed
 * record commit in one transaction. A malformed event is dead-lettered at
 * once (EVENT_REJECTED); a stale transition (cancel after completion) is logged
 * and acknowledged, since redelivering it cannot help.
 */
export function subscribeOrderEvents(o: OrderConsumerOptions): void {
  const processed = createProcessedStore(o.pool);
  const apply = idempotent<OrderEventData>(processed, async (event, delivery, conn) => {
      if (!Value.Check(OrderEventData, event.data)) throw EVENT_REJECTED(`${event.type} data does not match the expected shape`);
      const orderId = orderIdOf(event);
      const now = new Date();
      if (event.type === 'order.created') {
        const checked = normaliseItems(event.data.items ?? [], o.maxItems);
        if (!checked.ok) throw EVENT_REJECTED(checked.problem);
        const outcome = await o.store.reserve(conn, orderId, checked.items, now, o.ttlMs);
        delivery.logger.info('order reservation processed', { 'order.id': orderId, 'event.outcome': outcome.kind });
        return;
      }
      const action = ACTION[event.type as keyof typeof ACTION];
      try {
        await o.store.finish(conn, orderId, action, now);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== RESERVATION_NOT_FOUND.code && code !== RESERVATION_NOT_ACTIVE.code) throw err;
        delivery.logger.warn('order event does not apply to the reservation; acknowledged', { 'order.id': orderId, 'error.code': code });
      }
  });
  o.bus.subscribe<OrderEventData>(
    o.topic,
    o.group,
    async (event, delivery) => {
      await apply(event, delivery);
      o.onApplied();
    },
    { types: [...ORDER_EVENT_TYPES] },
  );
}
