import { EVENT_REJECTED, createProcessedStore, idempotent, type CloudEvent, type EventBus } from '@nimbus/kit';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Pool } from 'mysql2/promise';
import { holdsNoStock } from '../domain/order.js';
import type { OrderStore } from '../store/orders.js';

/** What the saga reads from inventory events; other fields are ignored. */
const InventoryEventData = Type.Object({
  orderId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  items: Type.Optional(Type.Array(Type.Object({ productId: Type.String(), reason: Type.Optional(Type.String()) }))),
});
type InventoryEventData = Static<typeof InventoryEventData>;

export const INVENTORY_EVENT_TYPES = ['inventory.reserved', 'inventory.rejected'] as const;

export interface InventoryConsumerOptions {
  bus: EventBus;
  pool: Pool;
  store: OrderStore;
  topic: string;
  group: string;
  /** Called after a handler committed (nudges the outbox relay). */
  onApplied: () => void;
}

/** "out of stock", or "widget: out of stock, gadget: unknown product" when the items disagree. */
export function rejectionReason(items: InventoryEventData['items']): string {
  const reasons = (items ?? []).filter((i) => i.reason);
  const distinct = new Set(reasons.map((i) => i.reason));
  if (distinct.size === 0) return 'rejected by inventory';
  if (distinct.size === 1) return [...distinct][0] ?? 'rejected by inventory';
  return reasons.map((i) => `${i.productId}: ${i.reason ?? ''}`).join(', ').slice(0, 255);
}

/**
 * The saga's reaction to inventory: inventory.reserved → RESERVED then
 * CONFIRMED (order.confirmed: inventory holds the stock until completion); inventory.rejected
 * → FAILED with the reason (order.failed). A reservation that arrives for an
 * order already failed (timeout) or cancelled is compensated with
 * order.cancelled so the stock is released. Each event applies once per id.
 */
export function subscribeInventoryEvents(o: InventoryConsumerOptions): void {
  const processed = createProcessedStore(o.pool);
  const apply = idempotent<InventoryEventData>(processed, async (event: CloudEvent<InventoryEventData>, delivery, conn) => {
    if (!Value.Check(InventoryEventData, event.data)) throw EVENT_REJECTED(`${event.type} data does not match the expected shape`);
    const orderId = event.data.orderId ?? event.subject;
    const now = new Date();
    const reserved = event.type === 'inventory.reserved';
    const outcome = reserved
      ? await o.store.apply(conn, orderId, ['reserve', 'confirm'], null, now)
      : await o.store.apply(conn, orderId, ['reject'], rejectionReason(event.data.items), now);
    switch (outcome.kind) {
      case 'missing':
        // Another service's order, or one this database never saw: retrying cannot help.
        throw EVENT_REJECTED(`no order ${orderId}`);
      case 'applied':
        delivery.logger.info('order saga advanced', { 'order.id': orderId, 'order.status': outcome.order.status });
        return;
      case 'refused':
        if (reserved && holdsNoStock(outcome.order.status)) {
          await o.store.compensate(conn, outcome.order);
          delivery.logger.warn('stock reserved for an order already closed; asked inventory to release it', { 'order.id': orderId, 'order.status': outcome.order.status });
          return;
        }
        delivery.logger.warn('inventory event does not apply to the order; acknowledged', { 'order.id': orderId, 'order.status': outcome.order.status });
    }
  });
  o.bus.subscribe<InventoryEventData>(
    o.topic,
    o.group,
    async (event, delivery) => {
      await apply(event, delivery);
      o.onApplied();
    },
    { types: [...INVENTORY_EVENT_TYPES] },
  );
}
