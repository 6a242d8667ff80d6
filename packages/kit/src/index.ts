export * from './config/index.js';
export * from './errors/index.js';
export * from './health/index.js';
export * from './http/index.js';
export * from './lifecycle/index.js';
export * from './secrets/index.js';
export { silentLogger, type Logger } from './logging/logger.js';
