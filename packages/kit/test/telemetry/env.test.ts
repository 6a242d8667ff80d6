import { describe, expect, it } from 'vitest';
import { telemetryOptionsFromEnv } from '../../src/telemetry/env.js';

describe('telemetryOptionsFromEnv', () => {
  it('reads service identity, Zipkin URL, ratio and switch from the documented variables', () => {
    expect(
      telemetryOptionsFromEnv({
        OTEL_SERVICE_NAME: 'orders',
        NIMBUS_SERVICE_VERSION: '1.4.0',
        NIMBUS_INSTANCE_ID: 'orders-1',
        ZIPKIN_URL: 'http://zipkin:9411',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        NIMBUS_TRACING_ENABLED: 'true',
      }),
    ).toEqual({ serviceName: 'orders', serviceVersion: '1.4.0', serviceInstanceId: 'orders-1', zipkinUrl: 'http://zipkin:9411', sampleRatio: 0.25, enabled: true });
  });

  it('prefers OTEL_SERVICE_NAME, then NIMBUS_SERVICE_NAME, SERVICE_NAME and the npm package name', () => {
    expect(telemetryOptionsFromEnv({ OTEL_SERVICE_NAME: 'a', NIMBUS_SERVICE_NAME: 'b', SERVICE_NAME: 'c' }).serviceName).toBe('a');
    expect(telemetryOptionsFromEnv({ NIMBUS_SERVICE_NAME: 'b', SERVICE_NAME: 'c' }).serviceName).toBe('b');
    expect(telemetryOptionsFromEnv({ SERVICE_NAME: 'c' }).serviceName).toBe('c');
    expect(telemetryOptionsFromEnv({ npm_package_name: '@nimbus/order-service', npm_package_version: '0.1.0' })).toMatchObject({
      serviceName: 'order-service',
      serviceVersion: '0.1.0',
    });
    expect(telemetryOptionsFromEnv({}).serviceName).toBe('unknown_service:node');
  });

  it('leaves unset settings to their defaults', () => {
    expect(telemetryOptionsFromEnv({ OTEL_SERVICE_NAME: 'x' })).toEqual({ serviceName: 'x', serviceVersion: '0.0.0' });
  });

  it('turns tracing off with NIMBUS_TRACING_ENABLED=false or OTEL_SDK_DISABLED=true', () => {
    expect(telemetryOptionsFromEnv({ NIMBUS_TRACING_ENABLED: 'false' }).enabled).toBe(false);
    expect(telemetryOptionsFromEnv({ NIMBUS_TRACING_ENABLED: 'true', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
  });

  it('fails start-up naming the variable when a value is unusable', () => {
    expect(() => telemetryOptionsFromEnv({ OTEL_TRACES_SAMPLER_ARG: 'ten percent' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => telemetryOptionsFromEnv({ OTEL_TRACES_SAMPLER_ARG: '10' })).toThrow(/from 0 to 1/);
    expect(() => telemetryOptionsFromEnv({ NIMBUS_TRACING_ENABLED: 'maybe' })).toThrow(/NIMBUS_TRACING_ENABLED/);
  });
});
