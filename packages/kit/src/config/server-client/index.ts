export { ConfigClientSettings, CONFIG_CLIENT_BOOTSTRAP_ENV } from './settings.js';
export { environmentToFlat, isEnvironment, type Environment } from './environment.js';
export { ConfigServerError, environmentUrl, fetchEnvironment, fetchWithRetry, retryDelay, type EnvironmentRequest } from './fetch-environment.js';
export { cachePath, readCache, writeCache, type CachedEnvironment } from './cache-file.js';
export { configServerSource, type ConfigClientState, type ConfigServerSource, type ConfigServerSourceOptions } from './source.js';
export { ConfigRefreshListener, concerns, readRefreshEvent, REFRESH_EVENT_TYPE, type Refreshable, type RefreshListenerOptions, type RefreshNotice } from './refresh-listener.js';
export { createConfigServerClient, type ConfigServerClient, type ConfigServerClientOptions } from './factory.js';
