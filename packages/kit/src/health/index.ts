export { HealthRegistry, type HealthCheck, type HealthReport, type CheckResult } from './registry.js';
export { healthPlugin, type HealthPluginOptions } from './plugin.js';
