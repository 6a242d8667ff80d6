import { describe, expect, it } from 'vitest';
import { undocumentedSettings } from '../../src/config/settings.js';
import { LoggingSettings } from '../../src/logging/settings.js';
import { MetricsSettings } from '../../src/metrics/settings.js';
import { TracingSettings } from '../../src/telemetry/settings.js';

describe('tracing, logging and metrics settings', () => {
  it.each([
    ['tracing', TracingSettings],
    ['logging', LoggingSettings],
    ['metrics', MetricsSettings],
  ])('%s: every field has a default and a description', (_name, schema) => {
    expect(undocumentedSettings(schema)).toEqual([]);
  });
});
