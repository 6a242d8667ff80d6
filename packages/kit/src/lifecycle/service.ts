import { Type, type Static, type TObject } from '@sinclair/typebox';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { ConfigStore } from '../config/store.js';
import { describeSettings } from '../config/settings.js';
import { envSource, staticSource, type ConfigSource } from '../config/sources.js';
import type { Flat } from '../config/flatten.js';
import { SHUTTING_DOWN } from '../errors/catalogue.js';
import { problemHandler, sendProblem } from '../errors/handler.js';
import { HealthRegistry } from '../health/registry.js';
import { healthPlugin } from '../health/plugin.js';
import { openApiPlugin } from '../http/openapi.js';
import type { Logger } from '../logging/logger.js';
import { asNimbusLogger, createLogger } from '../logging/create-logger.js';
import { ElasticsearchShipper } from '../logging/elasticsearch-shipper.js';
import { toFastifyLogger } from '../logging/fastify-logger.js';
import { accessLogPlugin } from '../logging/access-log.js';
import { LoggingSettings } from '../logging/settings.js';
import { metricsPlugin } from '../metrics/plugin.js';
import { MetricsSettings } from '../metrics/settings.js';
import { TracingSettings } from '../telemetry/settings.js';
import { activeTelemetry, type TelemetryHandle } from '../telemetry/sdk.js';
import { VaultSettings } from '../secrets/settings.js';
import { VaultSecrets } from '../secrets/vault.js';
import { closeAll, type Resource } from './resources.js';
import { ServerSettings } from './settings.js';
import { DiscoverySettings } from '../discovery/settings.js';
import { ClientSettings } from '../client/settings.js';
import { CONFIG_CLIENT_BOOTSTRAP_ENV, ConfigClientSettings } from '../config/server-client/settings.js';
import { createConfigServerClient } from '../config/server-client/factory.js';
import { EventsSettings } from './events.js';

/** The settings every service gets from the kit, before its own. */
const Discovery = Type.Object({ discovery: DiscoverySettings, client: ClientSettings });
export const KitSettings = Type.Composite([ServerSettings, VaultSettings, ConfigClientSettings, LoggingSettings, MetricsSettings, TracingSettings, EventsSettings, Discovery]);
export type KitSettings = Static<typeof KitSettings>;

/** Bootstrap environment variables (everything else comes from configuration). */
export const BOOTSTRAP_ENV: Readonly<Record<string, string>> = {
  HOST: 'server.host',
  PORT: 'server.port',
  NIMBUS_PROFILES: 'service.profiles',
  VAULT_ADDR: 'vault.url',
  VAULT_TOKEN: 'vault.auth.token',
  VAULT_ROLE_ID: 'vault.auth.roleId',
  VAULT_SECRET_ID: 'vault.auth.secretId',
  LOGS_URL: 'logging.shipping.url',
  LOG_LEVEL: 'logging.level',
  ZIPKIN_URL: 'tracing.zipkinUrl',
  EVENTS_BINDER: 'events.binder',
  RABBITMQ_URL: 'events.rabbitmq.url',
  KAFKA_BROKERS: 'events.kafka.brokers',
  CONSUL_URL: 'discovery.consul.url',
};

export interface ServiceContext<T> {
  readonly name: string;
  readonly version: string;
  readonly config: ConfigStore<TObject>;
  /** Validated, frozen settings at boot; read `config.current` for live values. */
  readonly settings: T;
  readonly logger: Logger;
  readonly health: HealthRegistry;
  readonly metrics: Registry;
  readonly vault: VaultSecrets | undefined;
  /** The process's tracing, when started (by the `@nimbus/kit/register` preload or runService). */
  readonly telemetry: TelemetryHandle | undefined;
  /** Registers something to close at shutdown (reverse order of registration). */
  onClose(resource: Resource): void;
}

export interface ServiceDefinition<S extends TObject, D = void> {
  name: string;
  version: string;
  description?: string;
  /** The service's own OpenAPI document: served at /openapi.json unless `route` says elsewhere or false. */
  openApi?: { route?: string | false };
  /** The service's own settings; every field with a default and a description. */
  settings: S;
  /** Service-specific defaults for kit settings (e.g. `server.port`), lowest precedence. */
  defaults?: Flat;
  /** More bootstrap env names → settings keys (e.g. MYSQL_URL → mysql.url). */
  bootstrapEnv?: Record<string, string>;
  /**
   * Opens stores and clients; runs after configuration and secrets are
   * loaded. What it returns is handed to `routes` (pools, repositories).
   */
  setup?(ctx: ServiceContext<Static<S> & KitSettings>): Promise<D>;
  /** Registers the service's routes. */
  routes(app: FastifyInstance, ctx: ServiceContext<Static<S> & KitSettings>, deps: D): Promise<void>;
}

export interface BuildOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra sources with the highest precedence (tests, command-line overrides). */
  sources?: ConfigSource[];
  /** Use this logger instead of the ECS logger built from settings (tests pass silentLogger). */
  logger?: Logger;
  /** Skip Vault even if enabled in settings (unit tests). */
  vault?: boolean;
  /** Skip the config server even if enabled in settings (unit tests). */
  configServer?: boolean;
}

export interface BuiltService<T> {
  app: FastifyInstance;
  ctx: ServiceContext<T>;
  /** Drain and close everything within server.shutdownTimeoutMs. Safe to call twice. */
  stop(reason?: string): Promise<void>;
}

/** A config source that serves the service's secrets from Vault, spring-cloud-vault style. */
function vaultSource(vault: VaultSecrets, app: string, profiles: string[]): ConfigSource {
  return { name: 'vault', load: () => vault.readLayered(app, profiles) as Promise<Flat> };
}

/**
 * Builds a service in the fixed boot order: bootstrap env → configuration →
 * secrets → stores (setup) → app and routes. Nothing listens yet, so tests can
 * `inject()`; `runService` adds listen, discovery and signals.
 */
export async function buildService<S extends TObject, D = void>(def: ServiceDefinition<S, D>, opts: BuildOptions = {}): Promise<BuiltService<Static<S> & KitSettings>> {
  type T = Static<S> & KitSettings;
  const schema: TObject = Type.Composite([KitSettings, def.settings]);
  const metrics = new Registry();
  metrics.setDefaultLabels({ service: def.name });
  const env = envSource(opts.env ?? process.env, {
    bootstrap: { ...BOOTSTRAP_ENV, ...CONFIG_CLIENT_BOOTSTRAP_ENV, ...def.bootstrapEnv },
    knownKeys: describeSettings(schema).map((d) => d.key),
  });
  const highest = [...(opts.sources ?? []), env];
  const lowest = def.defaults ? [staticSource(`${def.name} defaults`, def.defaults)] : [];

  // Bootstrap pass: enough to know how to log, where Vault is and how to log in.
  const bootstrap = (await ConfigStore.load({ schema, sources: [...highest, ...lowest] })).current as unknown as T;
  const resources: Resource[] = [];
  let logger: Logger;
  if (opts.logger) {
    logger = opts.logger;
  } else {
    const { shipping, level, stdout } = bootstrap.logging;
    // The shipper is the first resource, so it closes last and ships the shutdown's own lines.
    const shipper = shipping.enabled ? new ElasticsearchShipper({ serviceName: def.name, ...shipping }, { registry: metrics }) : undefined;
    if (shipper) resources.push({ name: 'log-shipper', close: () => shipper.shutdown() });
    logger = createLogger({ serviceName: def.name, serviceVersion: def.version, level, stdout: stdout ? process.stdout : false, ...(shipper && { shipper }) });
  }
  let vault: VaultSecrets | undefined;
  const sources = [...highest];
  const profiles = bootstrap.service.profiles.split(',').map((p) => p.trim()).filter(Boolean);
  if (bootstrap.vault.enabled && opts.vault !== false) {
    vault = new VaultSecrets(bootstrap.vault, logger);
    await vault.login();
    sources.push(vaultSource(vault, def.name, profiles));
  }
  // Spring's order: env, then Vault, then the config server, then defaults.
  const configClient =
    bootstrap.config.server.enabled && opts.configServer !== false
      ? createConfigServerClient({ settings: bootstrap.config.server, application: def.name, profiles, logger })
      : undefined;
  if (configClient) sources.push(configClient.source);
  const config = await ConfigStore.load({ schema, sources: [...sources, ...lowest], logger });
  const settings = config.current as unknown as T;

  const health = new HealthRegistry();
  const telemetry = activeTelemetry();
  config.onChange('logging.level', (current) => {
    (logger as { level?: string }).level = (current as unknown as T).logging.level;
  });
  config.onChange('tracing.sampleRatio', (current) => telemetry?.setSampleRatio((current as unknown as T).tracing.sampleRatio));
  if (vault) {
    const v = vault;
    resources.push({ name: 'vault', close: () => v.close() });
    health.add({ name: 'vault', critical: false, check: () => v.health() });
  }
  if (configClient) {
    const listener = await configClient.listen(config as unknown as ConfigStore<TObject>);
    if (listener) {
      health.add({ ...listener.healthCheck(), critical: false });
      resources.push({ name: 'config-refresh', stage: 'intake', close: () => listener.close() });
    }
  }
  const ctx: ServiceContext<T> = {
    name: def.name,
    version: def.version,
    config: config as unknown as ConfigStore<TObject>,
    settings,
    logger,
    health,
    metrics,
    vault,
    telemetry,
    onClose: (r) => void resources.push(r),
  };

  const app = Fastify({
    loggerInstance: toFastifyLogger(asNimbusLogger(logger)),
    // The access log plugin writes one ECS line per request instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: settings.server.bodyLimitBytes,
    requestTimeout: settings.server.requestTimeoutMs,
    // Honour a caller's request id so one id follows a request across services.
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    return503OnClosing: false,
  });
  const stop = stopper(app, ctx, resources);
  try {
    const deps = (await def.setup?.(ctx)) as D;
    await app.register(problemHandler, { logger });
    await app.register(openApiPlugin, { service: { name: def.name, version: def.version, description: def.description }, route: def.openApi?.route });
    await app.register(healthPlugin, { registry: health, service: { name: def.name, version: def.version } });
    await app.register(metricsPlugin, { registry: metrics, settings: settings.metrics });
    if (settings.logging.accessLog.enabled) await app.register(accessLogPlugin, { logger, ignorePaths: settings.logging.accessLog.ignorePaths });
    // Both run on every request: callback style, so neither costs a promise.
    app.addHook('onRequest', function refuseWhileStopping(request, reply, done) {
      // Health stays reachable so probes see the shutdown; new work is refused.
      if (!health.accepting && !request.url.startsWith('/health')) {
        reply.header('connection', 'close');
        sendProblem(reply, SHUTTING_DOWN(), request.url);
        return;
      }
      done();
    });
    app.addHook('onSend', function echoRequestId(request, reply, payload, done) {
      void reply.header('x-request-id', request.id);
      // While draining, keep-alive sockets would hold the server open: ask clients to close them.
      if (!health.accepting) void reply.header('connection', 'close');
      done(null, payload);
    });
    await def.routes(app, ctx, deps);
    await app.ready();
  } catch (err) {
    await stop('boot failed');
    throw err;
  }
  return { app, ctx, stop };
}

function stopper<T>(app: FastifyInstance, ctx: ServiceContext<T & KitSettings>, resources: Resource[]) {
  let stopping: Promise<void> | undefined;
  return (reason = 'stop') => {
    stopping ??= (async () => {
      const { shutdownTimeoutMs, shutdownDelayMs } = ctx.settings.server;
      const deadline = Date.now() + shutdownTimeoutMs;
      ctx.logger.info('shutting down', { 'event.reason': reason });
      ctx.health.stopAccepting();
      if (shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, Math.min(shutdownDelayMs, shutdownTimeoutMs / 2)));
      // Stop intake (deregister, consumers), drain HTTP, then close pools.
      const errors: string[] = [];
      const onError = (name: string, err: unknown) => {
        errors.push(name);
        ctx.logger.error('resource did not close cleanly', { 'resource.name': name, 'error.message': String(err) });
      };
      await closeAll(resources.filter((r) => r.stage === 'intake'), deadline, onError);
      await closeAll([{ name: 'http', close: () => app.close() }], deadline, onError);
      app.server.closeAllConnections?.(); // past the deadline: whatever is left is cut
      const pools = resources.filter((r) => r.stage !== 'intake');
      ctx.logger.info('stopped', { 'event.outcome': errors.length ? 'failure' : 'success' });
      // Last: pools and the log shipper, then spans still buffered.
      await closeAll(pools, deadline, onError);
      if (ctx.telemetry) await closeAll([{ name: 'telemetry', close: () => ctx.telemetry?.shutdown() }], deadline, onError);
    })();
    return stopping;
  };
}
