export { ServerSettings } from './settings.js';
export { closeAll, type Resource } from './resources.js';
export { buildService, KitSettings, BOOTSTRAP_ENV, type BuildOptions, type BuiltService, type ServiceContext, type ServiceDefinition } from './service.js';
export { runService, type RunningService } from './run.js';
export { useEventBus, useOutboxRelay, EventsSettings } from './events.js';
export { useServiceClient } from './clients.js';
export { PeriodicPass, type PeriodicPassOptions } from './periodic.js';
