import { Type } from '@sinclair/typebox';
import type { Pool } from 'mysql2/promise';
import type { EventBus } from '../events/bus.js';
import { createEventBus } from '../events/create-bus.js';
import { OutboxRelay } from '../events/outbox/relay.js';
import { EventBusSettings } from '../events/settings.js';
import type { ServiceContext } from './service.js';

/** The event bus settings under `events.*`, part of every service's settings. */
export const EventsSettings = Type.Object({ events: EventBusSettings });

interface WithEvents {
  events: EventBusSettings;
}

/**
 * The service's event bus, wired into its lifecycle: readiness fails while the
 * broker is unreachable; at shutdown consumers stop with the other intake,
 * before HTTP drains, and the connection closes with the pools. Subscribe,
 * then `await bus.start()`.
 */
export function useEventBus(ctx: ServiceContext<WithEvents>): EventBus {
  const bus = createEventBus(ctx.settings.events, { service: ctx.name, logger: ctx.logger, registry: ctx.metrics });
  ctx.health.add(bus.healthCheck());
  ctx.onClose({ name: 'event-bus', close: () => bus.close() });
  ctx.onClose({ name: 'event-consumers', stage: 'intake', close: () => bus.stopConsuming() });
  return bus;
}

/**
 * Relays the service's transactional outbox through `bus`. The relay's
 * health is reported but not critical: a broker outage delays events, it
 * does not lose them, and the API keeps working.
 */
export function useOutboxRelay(ctx: ServiceContext<WithEvents>, pool: Pool, bus: EventBus): OutboxRelay {
  const relay = new OutboxRelay({ pool, bus, settings: ctx.settings.events.outbox, logger: ctx.logger, registry: ctx.metrics });
  ctx.health.add({ ...relay.healthCheck(), critical: false });
  ctx.onClose({ name: 'outbox-relay', stage: 'intake', close: () => relay.close() });
  return relay;
}
