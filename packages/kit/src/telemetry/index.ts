export { startTelemetry, activeTelemetry, spansUrl, type TelemetryHandle, type TelemetryOptions, type TelemetryDeps } from './sdk.js';
export { TracingSettings, DEFAULT_UNTRACED_PATHS, type ServiceIdentity, type DeepPartial } from './settings.js';
export { currentTraceIds, type TraceIds } from './trace-ids.js';
export { telemetryOptionsFromEnv } from './env.js';
export { createPropagator } from './propagation.js';
export { NimbusSampler, type NimbusSamplerOptions } from './sampler.js';
export { RedactingSpanExporter } from './redacting-exporter.js';
