export { DiscoverySettings } from './settings.js';
export { NO_INSTANCES } from './catalogue.js';
export { instanceUrl, instanceFromUrl, type Instance } from './instance.js';
export type { ServiceResolver, DiscoveryHealth, ServiceCacheStatus } from './resolver.js';
export { InstancePool } from './instance-pool.js';
export { StaticResolver, type StaticResolverOptions } from './static-resolver.js';
export { ConsulResolver, type ConsulResolverOptions } from './consul-resolver.js';
export {
  ConsulRegistration,
  registrationDefinition,
  type ConsulRegistrationOptions,
  type RegisteredService,
  type ListenAddress,
} from './consul-registration.js';
export { ConsulRequestError, type ConsulServiceDefinition } from './consul-api.js';
export { discoveryHealthCheck, type DiscoveryHealthCheckOptions } from './health.js';
export { createResolver } from './factory.js';
