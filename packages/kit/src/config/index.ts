export { flatten, unflatten, deepFreeze, type Flat } from './flatten.js';
export { envSource, fileSource, staticSource, relaxed, type ConfigSource, type EnvSourceOptions } from './sources.js';
export { resolveSettings, describeSettings, undocumentedSettings, type SettingDoc } from './settings.js';
export { ConfigStore, type ConfigStoreOptions, type ChangeListener } from './store.js';
export * from './server-client/index.js';
