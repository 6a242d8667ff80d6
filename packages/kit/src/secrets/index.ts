export { VaultSettings } from './settings.js';
export { VaultSecrets } from './vault.js';
