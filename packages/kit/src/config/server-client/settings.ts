import { Type, type Static } from '@sinclair/typebox';

/**
 * How a service reads its configuration from the config server, named after
 * spring.cloud.config.* (uri, label, failFast, retry). Durations in ms.
 */
export const ConfigClientSettings = Type.Object({
  config: Type.Object({
    server: Type.Object({
      enabled: Type.Boolean({ default: true, description: 'Read configuration from the config server at boot and on refresh events' }),
      uri: Type.String({ default: 'http://127.0.0.1:8888', description: 'Config server base URL (bootstrap env CONFIG_SERVER_URL)' }),
      username: Type.String({ default: 'config', description: 'HTTP basic user (bootstrap env CONFIG_SERVER_USERNAME)' }),
      password: Type.String({ default: '', description: 'HTTP basic password (bootstrap env CONFIG_SERVER_PASSWORD); a secret: never in git' }),
      label: Type.String({ default: '', description: 'Branch, tag or commit to read; empty for the server’s default label (bootstrap env CONFIG_SERVER_LABEL)' }),
      failFast: Type.Boolean({
        default: false,
        description: 'Refuse to boot when the server cannot be reached after the retries; otherwise boot from the last-known-good copy (degraded)',
      }),
      timeoutMs: Type.Integer({ default: 5_000, minimum: 100, description: 'Bound on one request to the config server' }),
      retry: Type.Object({
        maxAttempts: Type.Integer({ default: 6, minimum: 1, description: 'Attempts at boot before giving up (Spring: 6)' }),
        initialMs: Type.Integer({ default: 1_000, minimum: 1, description: 'Delay before the second attempt (Spring: 1000)' }),
        multiplier: Type.Number({ default: 1.1, minimum: 1, description: 'Factor each further delay grows by (Spring: 1.1)' }),
        maxMs: Type.Integer({ default: 2_000, minimum: 1, description: 'Ceiling of one delay (Spring: 2000)' }),
      }),
      cacheFile: Type.String({
        default: '.data/config-cache/{application}.json',
        description:
          'Last-known-good copy written after each successful read and used to boot while the server is down; {application} is substituted; empty disables. Holds resolved secrets: written 0600',
      }),
      recoveryIntervalMs: Type.Integer({
        default: 30_000,
        minimum: 0,
        description: 'While booted from the copy (degraded), try the server this often and refresh when it answers (0: wait for a refresh event)',
      }),
      refresh: Type.Object({
        enabled: Type.Boolean({ default: true, description: 'Listen for config.refresh events and refresh live' }),
        rabbitmqUrl: Type.String({ default: 'amqp://guest:guest@127.0.0.1:5672', description: 'Broker carrying refresh events (bootstrap env RABBITMQ_URL)' }),
        exchange: Type.String({ default: 'nimbus.config', description: 'Topic exchange the config server publishes refresh events to' }),
        routingKey: Type.String({ default: 'config.refresh', description: 'Routing key of refresh events' }),
        debounceMs: Type.Integer({ default: 250, minimum: 0, description: 'Events arriving within this window cause one refresh' }),
      }),
    }),
  }),
});
export type ConfigClientSettings = Static<typeof ConfigClientSettings>['config']['server'];

/** Bootstrap environment names for the client, to merge into a service's bootstrapEnv. */
export const CONFIG_CLIENT_BOOTSTRAP_ENV: Readonly<Record<string, string>> = {
  CONFIG_SERVER_URL: 'config.server.uri',
  CONFIG_SERVER_USERNAME: 'config.server.username',
  CONFIG_SERVER_PASSWORD: 'config.server.password',
  CONFIG_SERVER_LABEL: 'config.server.label',
};
