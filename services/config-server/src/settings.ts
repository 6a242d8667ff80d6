import { Type, type Static } from '@sinclair/typebox';

/**
 * config-server's own settings (the kit adds server.*, service.* and vault.*).
 * Names follow spring.cloud.config.server.git where a Spring user would look
 * for them (uri, defaultLabel, searchPaths, basedir). Durations in ms.
 */
export const Settings = Type.Object({
  git: Type.Object({
    uri: Type.String({
      default: 'config-repo',
      description:
        'The configuration repository: a remote URL (https://, ssh://, file://) or a local path. A local folder that is not a git repository is imported into seedDir and served from there',
    }),
    defaultLabel: Type.String({ default: 'main', description: 'Label served when a request names none; only this label is gated by validation' }),
    tryMasterBranch: Type.Boolean({ default: true, description: 'When defaultLabel is main and the repository has no main branch, serve master (Spring Cloud Config does the same)' }),
    searchPaths: Type.String({
      default: '',
      description: 'Comma-separated folders searched besides the root; {application}, {profile} and {label} are substituted, * matches within a folder name (e.g. {application},shared). A later folder wins over an earlier one, the root is lowest',
    }),
    basedir: Type.String({ default: '.data/config-server', description: 'Working directory: the bare clone of the repository and the served-commit state' }),
    seedDir: Type.String({ default: '.data/config-repo', description: 'Where a plain folder given as uri is turned into a git repository' }),
    username: Type.String({ default: '', description: 'User for an https remote (empty: none)' }),
    password: Type.String({ default: '', description: 'Password or token for an https remote; a secret: put it in Vault (secret/config-server)' }),
    timeoutMs: Type.Integer({ default: 60_000, minimum: 1_000, description: 'Bound on one git command (clone, fetch, read)' }),
    missingLabelFetchIntervalMs: Type.Integer({
      default: 5_000,
      minimum: 0,
      description: 'A request for an unknown label fetches first, at most once per this interval (0: never, wait for polling or /monitor)',
    }),
  }),
  monitor: Type.Object({
    pollIntervalMs: Type.Integer({ default: 30_000, minimum: 0, description: 'Fetch the repository this often, the fallback when no webhook arrives (0: only /monitor)' }),
    webhookSecret: Type.String({
      default: '',
      description: 'Shared secret of the repository webhook (GitHub/Gitea/Gogs HMAC signature, GitLab token); a correctly signed webhook needs no other credentials. A secret: put it in Vault',
    }),
    waitMs: Type.Integer({ default: 5_000, minimum: 0, description: '/monitor answers once fetch and validation are done, or after this long with 202' }),
  }),
  validation: Type.Object({
    schemaDir: Type.String({ default: 'schemas', description: 'Folder of the repository holding {application}.schema.json, checked against each application’s merged properties' }),
    historyDepth: Type.Integer({
      default: 20,
      minimum: 1,
      description: 'At first start, when the tip of the default label is invalid, how many earlier commits may be tried to find one to serve',
    }),
  }),
  refresh: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'Publish a config.refresh event when a new valid commit is served' }),
    rabbitmq: Type.Object({
      url: Type.String({ default: 'amqp://guest:guest@127.0.0.1:5672', description: 'AMQP URL of the broker carrying refresh events (bootstrap env RABBITMQ_URL); put the password in a secret' }),
      exchange: Type.String({ default: 'nimbus.config', description: 'Topic exchange refresh events are published to' }),
      routingKey: Type.String({ default: 'config.refresh', description: 'Routing key of refresh events' }),
    }),
    retryIntervalMs: Type.Integer({ default: 5_000, minimum: 100, description: 'How often an unpublished refresh event is retried while the broker is down' }),
  }),
  encrypt: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'Serve /encrypt and /decrypt and decrypt {cipher} values with Vault transit' }),
    transitMount: Type.String({ default: 'transit', description: 'Mount path of the Vault transit engine' }),
    key: Type.String({ default: 'config-server', description: 'Transit key name used for {cipher} values' }),
    autoCreate: Type.Boolean({
      default: true,
      description: 'At boot, enable the transit engine and create the key if missing (needs a token allowed to; failures only disable encryption)',
    }),
  }),
  security: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'Require credentials on every endpoint but /health/*; turn off only on a closed network' }),
    username: Type.String({ default: 'config', description: 'HTTP basic user (bootstrap env CONFIG_SERVER_USERNAME)' }),
    password: Type.String({
      default: '',
      description: 'HTTP basic password (bootstrap env CONFIG_SERVER_PASSWORD, or Vault secret/config-server); start-up fails while security is on and this is empty',
    }),
    bearer: Type.Boolean({ default: false, description: 'Also accept Bearer tokens, checked by the verifier the service is built with' }),
  }),
  cache: Type.Object({
    maxFiles: Type.Integer({ default: 2_000, minimum: 10, description: 'Parsed files kept in memory (a file at a commit never changes, so entries only leave by age)' }),
  }),
});
export type Settings = Static<typeof Settings>;

/** Bootstrap environment names besides the kit's. */
export const BOOTSTRAP_ENV = {
  CONFIG_SERVER_USERNAME: 'security.username',
  CONFIG_SERVER_PASSWORD: 'security.password',
  CONFIG_GIT_URI: 'git.uri',
  RABBITMQ_URL: 'refresh.rabbitmq.url',
} as const;
