import { Type, type Static } from '@sinclair/typebox';

/** Settings of notification-service beyond the kit's; every field has a default and a description. */
export const Settings = Type.Object({
  mysql: Type.Object(
    {
      url: Type.String({ default: '', description: 'MySQL/MariaDB server URL without database (bootstrap env MYSQL_URL), e.g. mysql://user:pass@127.0.0.1:3306; keep credentials in Vault' }),
      database: Type.String({ default: 'nimbus_notifications', pattern: '^[A-Za-z0-9_]{1,64}$', description: 'Database holding the notification records and processed events' }),
      createDatabase: Type.Boolean({ default: true, description: 'Create the database at start-up if missing; turn off where the account lacks CREATE' }),
      poolSize: Type.Integer({ default: 5, minimum: 1, description: 'Connections in the MySQL pool' }),
    },
    { default: {}, description: 'Notification store' },
  ),
  smtp: Type.Object(
    {
      url: Type.String({ default: 'smtp://127.0.0.1:1025', pattern: '^smtps?://', description: 'SMTP server (bootstrap env SMTP_URL), smtp:// or smtps://, credentials in the URL; keep them in Vault' }),
      from: Type.String({ default: 'Nimbus Shop <no-reply@nimbus.local>', minLength: 3, description: 'From address of every email' }),
      timeoutMs: Type.Integer({ default: 10_000, minimum: 100, description: 'Connection, greeting and socket timeout of one SMTP send; a timed-out send is retried by the bus' }),
    },
    { default: {}, description: 'Outgoing email' },
  ),
  notifications: Type.Object(
    {
      ordersTopic: Type.String({ default: 'orders', minLength: 1, description: 'Topic order.confirmed / order.failed / order.cancelled are consumed from' }),
      consumerGroup: Type.String({ default: 'notification-service', minLength: 1, description: 'Consumer group (RabbitMQ queue prefix, Kafka group) for order events' }),
      defaultRecipient: Type.String({
        default: '',
        description: 'Recipient when an order event carries no customerEmail (the gateway sent no x-user-email); empty: such events are dead-lettered and recorded failed',
      }),
    },
    { default: {}, description: 'Which events become which emails' },
  ),
});
export type Settings = Static<typeof Settings>;
