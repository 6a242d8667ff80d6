import { Type, type Static } from '@sinclair/typebox';

const backoff = (what: string, initialMs: number, maxMs: number) =>
  Type.Object(
    {
      initialMs: Type.Integer({ default: initialMs, minimum: 1, description: `First delay before ${what}` }),
      maxMs: Type.Integer({ default: maxMs, minimum: 1, description: `Ceiling of the delay before ${what}` }),
      multiplier: Type.Number({ default: 2, minimum: 1, description: `Factor each further delay before ${what} grows by` }),
    },
    { default: {}, description: `Exponential backoff before ${what}` },
  );

/**
 * The event bus, its binders, the outbox relay and the processed-message
 * store. Durations are milliseconds. Names follow Spring Cloud Stream where
 * a Spring user would look for them (maxAttempts, backOff*, prefetch).
 */
export const EventBusSettings = Type.Object(
  {
    binder: Type.Union([Type.Literal('rabbitmq'), Type.Literal('kafka')], {
      default: 'rabbitmq',
      description: 'Which broker carries the events: rabbitmq or kafka',
    }),
    rabbitmq: Type.Object(
      {
        url: Type.String({
          default: 'amqp://guest:guest@127.0.0.1:5672',
          description: 'AMQP URL (amqp:// or amqps://, vhost as path, heartbeat=<s> as query); put the password in a secret',
        }),
        prefetch: Type.Integer({
          default: 10,
          minimum: 1,
          maximum: 65535,
          description: 'Unacknowledged messages a subscription holds at once; also its handler concurrency (events of one subject still run one at a time)',
        }),
      },
      { default: {}, description: 'RabbitMQ binder (used when binder is rabbitmq)' },
    ),
    kafka: Type.Object(
      {
        brokers: Type.Array(Type.String(), { default: ['127.0.0.1:9092'], minItems: 1, description: 'Bootstrap brokers, host:port' }),
        partitions: Type.Integer({ default: 3, minimum: 1, description: 'Partitions of the topics the bus creates (event, retry and dead-letter topics)' }),
        replicationFactor: Type.Integer({ default: -1, minimum: -1, description: 'Replication factor of the topics the bus creates; -1 for the broker default' }),
        partitionsConsumedConcurrently: Type.Integer({
          default: 1,
          minimum: 1,
          description: 'Partitions a subscription handles in parallel (order within a partition, hence a subject, is kept)',
        }),
        maxWaitTimeMs: Type.Integer({
          default: 1_000,
          minimum: 10,
          description: 'Longest a fetch waits for new records; also bounds how late a delayed retry resumes and how long leaving the group takes',
        }),
        sessionTimeoutMs: Type.Integer({ default: 30_000, minimum: 6_000, description: 'Consumer group session timeout: how long a silent member keeps its partitions' }),
        fromBeginning: Type.Boolean({
          default: true,
          description: 'Where a group with no committed offset starts: the oldest retained event (true) or only new ones (false)',
        }),
      },
      { default: {}, description: 'Kafka binder (used when binder is kafka)' },
    ),
    publisher: Type.Object(
      {
        timeoutMs: Type.Integer({
          default: 10_000,
          minimum: 1,
          description: 'Longest publish() waits for the broker to confirm; on timeout the event may or may not have been stored',
        }),
      },
      { default: {}, description: 'Publishing' },
    ),
    consumer: Type.Object(
      {
        maxAttempts: Type.Integer({
          default: 5,
          minimum: 1,
          description: 'Deliveries of an event to a failing handler, the first included, before it goes to the dead letters',
        }),
        backoff: backoff('redelivering an event whose handler failed', 1_000, 30_000),
        shutdownTimeoutMs: Type.Integer({
          default: 10_000,
          minimum: 0,
          description: 'At close, how long in-flight handlers may finish; unfinished ones are abandoned unacknowledged and redelivered elsewhere',
        }),
      },
      { default: {}, description: 'Consuming and retries' },
    ),
    reconnect: backoff('reconnecting to the broker', 500, 30_000),
    outbox: Type.Object(
      {
        table: Type.String({ default: 'nimbus_outbox', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', description: 'Outbox table name' }),
        pollIntervalMs: Type.Integer({ default: 1_000, minimum: 10, description: 'How often the relay looks for unsent rows when not nudged' }),
        batchSize: Type.Integer({ default: 100, minimum: 1, maximum: 10_000, description: 'Rows the relay reads and publishes per round' }),
        retentionMs: Type.Integer({
          default: 7 * 24 * 3_600_000,
          minimum: 0,
          description: 'How long sent rows are kept (for audit and replay) before the relay deletes them; 0 deletes them at once',
        }),
        backoff: backoff('the relay retries while the broker or database fails', 1_000, 60_000),
      },
      { default: {}, description: 'Transactional outbox relay' },
    ),
    idempotency: Type.Object(
      {
        table: Type.String({
          default: 'nimbus_processed_events',
          pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
          description: 'Table recording (consumer group, event id) of events already applied',
        }),
      },
      { default: {}, description: 'Processed-message store for idempotent consumers' },
    ),
  },
  { default: {}, description: 'Event bus (RabbitMQ or Kafka), transactional outbox and idempotent consumers' },
);

export type EventBusSettings = Static<typeof EventBusSettings>;
export type BackoffSettings = EventBusSettings['consumer']['backoff'];
export type OutboxSettings = EventBusSettings['outbox'];
