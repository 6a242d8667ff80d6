import type { Static, TObject } from '@sinclair/typebox';
import { ConsulRegistration } from '../discovery/consul-registration.js';
import { buildService, type BuildOptions, type BuiltService, type KitSettings, type ServiceDefinition } from './service.js';

export interface RunningService<T> extends BuiltService<T> {
  /** The address actually bound (port 0 resolves to a free port). */
  url: string;
}

/**
 * Boots a service for real: build (config, secrets, stores, routes), listen,
 * then stop gracefully on SIGTERM/SIGINT within the shutdown bound, exiting
 * non-zero if that bound is exceeded. A service's main.ts is one call to this.
 */
export async function runService<S extends TObject, D = void>(def: ServiceDefinition<S, D>, opts: BuildOptions = {}): Promise<RunningService<Static<S> & KitSettings>> {
  const built = await buildService(def, opts);
  const { app, ctx } = built;
  const { host, port, shutdownTimeoutMs } = ctx.settings.server;
  const url = await app.listen({ host, port });
  ctx.logger.info('listening', { 'url.full': url, 'service.version': def.version });

  // Registered only once listening: Consul's first check then already passes.
  const discovery = ctx.settings.discovery;
  if (discovery.mode === 'consul' && discovery.registration.enabled) {
    const address = app.server.address();
    const listen = typeof address === 'object' && address ? { address: address.address, port: address.port } : { port };
    const registration = new ConsulRegistration({
      settings: discovery,
      service: { name: def.name, version: def.version, zone: ctx.settings.service.zone },
      listen,
      logger: ctx.logger,
    });
    await registration.register();
    ctx.onClose({ name: 'discovery-registration', stage: 'intake', close: () => registration.deregister() });
  }

  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal, or the bound running out, ends the process regardless.
    const hardStop = setTimeout(() => process.exit(1), shutdownTimeoutMs + 1_000);
    hardStop.unref();
    void built.stop(signal).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { ...built, url };
}
