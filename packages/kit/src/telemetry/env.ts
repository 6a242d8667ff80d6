import { CONFIG_INVALID } from '../errors/catalogue.js';
import type { TelemetryOptions } from './sdk.js';

/**
 * The preload runs before configuration exists, so it is the one kit part
 * that reads the environment. Names follow OpenTelemetry where it has one:
 *
 *   OTEL_SERVICE_NAME | NIMBUS_SERVICE_NAME | SERVICE_NAME | npm_package_name   service.name
 *   NIMBUS_SERVICE_VERSION | npm_package_version                                service.version
 *   NIMBUS_INSTANCE_ID                                                          service.instance.id (default: random UUID)
 *   ZIPKIN_URL                                                                  tracing.zipkinUrl
 *   OTEL_TRACES_SAMPLER_ARG                                                     tracing.sampleRatio
 *   NIMBUS_TRACING_ENABLED (true/false), OTEL_SDK_DISABLED=true                 tracing.enabled
 *
 * A value that is present but unusable fails start-up with the variable's
 * name, rather than silently tracing at the wrong rate.
 */
export function telemetryOptionsFromEnv(env: NodeJS.ProcessEnv): TelemetryOptions {
  const options: TelemetryOptions = {
    serviceName: nonEmpty(env['OTEL_SERVICE_NAME'], env['NIMBUS_SERVICE_NAME'], env['SERVICE_NAME']) ?? packageName(env['npm_package_name']),
    serviceVersion: nonEmpty(env['NIMBUS_SERVICE_VERSION'], env['npm_package_version']) ?? '0.0.0',
  };
  const instanceId = nonEmpty(env['NIMBUS_INSTANCE_ID']);
  if (instanceId) options.serviceInstanceId = instanceId;
  const zipkinUrl = nonEmpty(env['ZIPKIN_URL']);
  if (zipkinUrl) options.zipkinUrl = zipkinUrl;
  const ratio = nonEmpty(env['OTEL_TRACES_SAMPLER_ARG']);
  if (ratio !== undefined) {
    const value = Number(ratio);
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      throw CONFIG_INVALID(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (the share of new traces kept), got '${ratio}'`);
    }
    options.sampleRatio = value;
  }
  const enabled = parseBoolean('NIMBUS_TRACING_ENABLED', env['NIMBUS_TRACING_ENABLED']);
  if (enabled !== undefined) options.enabled = enabled;
  if (parseBoolean('OTEL_SDK_DISABLED', env['OTEL_SDK_DISABLED']) === true) options.enabled = false;
  return options;
}

function nonEmpty(...values: Array<string | undefined>): string | undefined {
  return values.map((v) => v?.trim()).find((v) => v !== undefined && v !== '');
}

/** `@nimbus/order-service` → `order-service`; OpenTelemetry's own default when there is nothing. */
function packageName(name: string | undefined): string {
  const bare = nonEmpty(name)?.replace(/^@[^/]+\//, '');
  return bare ?? 'unknown_service:node';
}

function parseBoolean(name: string, raw: string | undefined): boolean | undefined {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return undefined;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw CONFIG_INVALID(`${name} must be true or false, got '${raw ?? ''}'`);
}
