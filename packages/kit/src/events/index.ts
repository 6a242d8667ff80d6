export { EventBusSettings, type BackoffSettings as EventBackoffSettings, type OutboxSettings } from './settings.js';
export type {
  EventBus,
  EventBusDeps,
  EventHandler,
  DeliveryContext,
  SubscribeOptions,
  DeadLetter,
  DeadLetterHandler,
  DeadLetterReason,
  CloseOptions,
} from './bus.js';
export { createEventBus } from './create-bus.js';
export { RabbitEventBus } from './rabbitmq/bus.js';
export { KafkaEventBus } from './kafka/bus.js';
export { createEvent, type CloudEvent, type EventInit } from './cloudevent.js';
export { DELIVERY as EVENT_DELIVERY_HEADERS } from './delivery-headers.js';
export { rabbitNames, subscriptionQueues } from './rabbitmq/topology.js';
export { kafkaNames } from './kafka/topics.js';
export { createOutbox, type Outbox } from './outbox/outbox.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/relay.js';
export { migrateEventTables, outboxTableDdl, processedEventsTableDdl } from './outbox/schema.js';
export { createProcessedStore, idempotent, type ProcessedStore, type RunOnceResult, type TransactionalHandler } from './idempotency.js';
export * from './errors.js';
export { KeyedSerial } from './keyed-serial.js';
