import type { EventBus, EventBusDeps } from './bus.js';
import { KafkaEventBus } from './kafka/bus.js';
import { RabbitEventBus } from './rabbitmq/bus.js';
import type { EventBusSettings } from './settings.js';

/** The bus for the configured binder; call start() to connect. */
export function createEventBus(settings: EventBusSettings, deps: EventBusDeps): EventBus {
  return settings.binder === 'kafka' ? new KafkaEventBus(settings, deps) : new RabbitEventBus(settings, deps);
}
