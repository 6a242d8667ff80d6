import type { Logger } from '../../logging/logger.js';
import { ConfigRefreshListener, type Refreshable } from './refresh-listener.js';
import type { ConfigClientSettings } from './settings.js';
import { configServerSource, type ConfigServerSource } from './source.js';

export interface ConfigServerClientOptions {
  /** `config.server.*` of the service's settings (read in a bootstrap pass). */
  settings: ConfigClientSettings;
  application: string;
  profiles: readonly string[];
  logger?: Logger;
}

export interface ConfigServerClient {
  /** Put it in the ConfigStore's sources (below env and Vault, above the service's defaults). */
  readonly source: ConfigServerSource;
  /** Once the store is loaded: refresh it on config.refresh events. Undefined when disabled. Close it at shutdown (stage intake). */
  listen(store: Refreshable): Promise<ConfigRefreshListener | undefined>;
}

/**
 * The config server client for one service: the source the store loads
 * from, and the listener that refreshes the store live.
 *
 *   const client = createConfigServerClient({ settings: boot.config.server, application: name, profiles });
 *   const store = await ConfigStore.load({ schema, sources: [env, vault, client.source, defaults] });
 *   const listener = await client.listen(store);
 */
export function createConfigServerClient(opts: ConfigServerClientOptions): ConfigServerClient {
  const source = configServerSource(opts);
  return {
    source,
    async listen(store) {
      if (!opts.settings.enabled || !opts.settings.refresh.enabled) return undefined;
      return ConfigRefreshListener.start({
        settings: opts.settings,
        application: opts.application,
        store,
        ...(opts.logger && { logger: opts.logger }),
        degraded: () => source.state.mode === 'cached' || source.state.mode === 'empty',
      });
    },
  };
}
