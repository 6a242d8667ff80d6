import { DEPENDENCY_UNAVAILABLE } from '../../errors/catalogue.js';
import type { HealthCheck } from '../../health/registry.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { Flat } from '../flatten.js';
import type { ConfigSource } from '../sources.js';
import { cachePath, readCache, writeCache } from './cache-file.js';
import { environmentToFlat } from './environment.js';
import { ConfigServerError, fetchWithRetry, type EnvironmentRequest, type Sleep } from './fetch-environment.js';
import type { ConfigClientSettings } from './settings.js';

/** Where the values a service runs with came from. */
export interface ConfigClientState {
  /** remote: read from the server; cached: booted from the last-known-good copy (degraded); empty: neither; disabled. */
  mode: 'remote' | 'cached' | 'empty' | 'disabled' | 'not-loaded';
  /** The commit id served. */
  version?: string | null;
  label?: string | null;
  /** When the values were read from the server (for a copy: when it was saved). */
  readAt?: string;
  /** The last failure, while there is one. */
  error?: string;
}

export interface ConfigServerSource extends ConfigSource {
  readonly state: ConfigClientState;
  /** Non-critical readiness check: DOWN details while degraded. */
  healthCheck(): HealthCheck;
}

export interface ConfigServerSourceOptions {
  settings: ConfigClientSettings;
  application: string;
  profiles: readonly string[];
  logger?: Logger;
  /** Tests shorten retries. */
  sleep?: Sleep;
}

/**
 * The config server as a ConfigSource. At boot: GET /{app}/{profiles}[/{label}]
 * with bounded exponential retries; then, unless failFast, the
 * last-known-good copy on disk (logged as degraded), then nothing. Every
 * successful read refreshes that copy. Later loads (a second boot pass,
 * ConfigStore.refresh()) try the server a few times and, when it cannot
 * answer, return what the previous load returned: the store keeps its
 * settings and the state says degraded.
 */
export function configServerSource(opts: ConfigServerSourceOptions): ConfigServerSource {
  const { settings, application } = opts;
  const logger = (opts.logger ?? silentLogger).child({ 'config.server.url': settings.uri });
  const req: EnvironmentRequest = { application, profiles: opts.profiles.length ? [...opts.profiles] : ['default'], label: settings.label };
  const file = settings.cacheFile ? cachePath(settings.cacheFile, application) : '';
  let state: ConfigClientState = { mode: settings.enabled ? 'not-loaded' : 'disabled' };
  let last: Flat | undefined;

  const remember = async (env: Awaited<ReturnType<typeof fetchWithRetry>>) => {
    if (!file) return;
    try {
      await writeCache(file, req, env);
    } catch (err) {
      logger.warn('could not write the last-known-good configuration copy', { 'file.path': file, 'error.message': (err as Error).message });
    }
  };

  const bootFallback = async (err: ConfigServerError): Promise<Flat> => {
    if (settings.failFast) {
      throw DEPENDENCY_UNAVAILABLE({ detail: `configuration for ${application} could not be read (config.server.failFast is on): ${err.message}`, cause: err });
    }
    const cached = file ? await readCache(file, req) : undefined;
    if (cached && !('mismatch' in cached)) {
      state = { mode: 'cached', version: cached.environment.version, label: cached.environment.label, readAt: cached.savedAt, error: err.message };
      logger.warn('config server unreachable: booting DEGRADED from the last-known-good copy', {
        'file.path': file,
        'config.version': cached.environment.version,
        'config.saved_at': cached.savedAt,
        'error.message': err.message,
      });
      return environmentToFlat(cached.environment);
    }
    state = { mode: 'empty', error: err.message };
    logger.warn('config server unreachable and no usable last-known-good copy: booting on local settings only', {
      'file.path': file || undefined,
      'config.cache': cached && 'mismatch' in cached ? cached.mismatch : 'none',
      'error.message': err.message,
    });
    return {};
  };

  return {
    name: `config-server:${settings.uri}`,
    get state() {
      return state;
    },
    async load(): Promise<Flat> {
      if (!settings.enabled) return {};
      const boot = last === undefined;
      try {
        const env = await fetchWithRetry(settings, req, {
          // Past boot the server was just heard of (a refresh event) or is being probed: a few tries are enough.
          maxAttempts: boot ? settings.retry.maxAttempts : Math.min(3, settings.retry.maxAttempts),
          ...(opts.sleep && { sleep: opts.sleep }),
          onRetry: (attempt, err, delayMs) => logger.warn('config server read failed; retrying', { 'event.sequence': attempt, 'error.message': err.message, 'retry.delay_ms': delayMs }),
        });
        const wasDegraded = state.mode === 'cached' || state.mode === 'empty';
        state = { mode: 'remote', version: env.version, label: env.label, readAt: new Date().toISOString() };
        if (wasDegraded) logger.info('config server reachable again; configuration read from it', { 'config.version': env.version });
        await remember(env);
        last = environmentToFlat(env);
        return last;
      } catch (err) {
        const e = err instanceof ConfigServerError ? err : new ConfigServerError(String(err), false);
        if (boot) {
          last = await bootFallback(e);
          return last;
        }
        state = { ...state, error: e.message };
        logger.warn('config server read failed; keeping the current configuration', { 'error.message': e.message, 'config.mode': state.mode });
        return last ?? {};
      }
    },
    healthCheck(): HealthCheck {
      return {
        name: 'config-server',
        critical: false,
        check: async () => {
          if (state.mode === 'cached') throw new Error(`degraded: running on the last-known-good copy (version ${state.version ?? '?'}, saved ${state.readAt}): ${state.error}`);
          if (state.mode === 'empty') throw new Error(`degraded: running without remote configuration: ${state.error}`);
          return { mode: state.mode, version: state.version, label: state.label, readAt: state.readAt };
        },
      };
    },
  };
}
