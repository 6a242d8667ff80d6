export { silentLogger, type Logger } from './logger.js';
export { createLogger, asNimbusLogger, type CreateLoggerOptions, type NimbusLogger } from './create-logger.js';
export { ElasticsearchShipper, type ShipperDeps, type ShipperOptions, type ShipperStats } from './elasticsearch-shipper.js';
export { type DropReason } from './shipper-metrics.js';
export { toFastifyLogger } from './fastify-logger.js';
export { accessLogPlugin, routeOf, type AccessLogOptions } from './access-log.js';
export { redact, redactString, isSensitiveKey, REDACTED } from './redact.js';
export { indexName } from './bulk.js';
export { LoggingSettings, LogShippingSettings, LOG_LEVELS, type LogLevel } from './settings.js';
