import { randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { envDetector, hostDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { flatten } from '../config/flatten.js';
import { resolveSettings } from '../config/settings.js';
import type { Logger } from '../logging/logger.js';
import { installDiagLogger } from './diag.js';
import { createInstrumentations } from './instrumentations.js';
import { createPropagator } from './propagation.js';
import { RedactingSpanExporter } from './redacting-exporter.js';
import { NimbusSampler } from './sampler.js';
import { TracingSettings, type DeepPartial, type ServiceIdentity } from './settings.js';

/** What `startTelemetry` takes: who the service is, plus any tracing settings (the rest default). */
export type TelemetryOptions = ServiceIdentity & DeepPartial<TracingSettings>;

export interface TelemetryDeps {
  /** Where spans go instead of Zipkin; tests pass an InMemorySpanExporter. */
  exporter?: SpanExporter;
  /** Told when tracing starts, and warned when it starts without the preload. */
  logger?: Logger;
  /** Set by register.ts: the module hooks were installed before the app loaded. */
  preloaded?: boolean;
}

export interface TelemetryHandle {
  readonly enabled: boolean;
  readonly serviceName: string;
  readonly serviceInstanceId: string;
  /** Whether the `--import` preload started tracing, so modules the app imports are instrumented. */
  readonly preloaded: boolean;
  readonly sampleRatio: number;
  /** Applies a new ratio to traces started from now on (configuration refresh). */
  setSampleRatio(ratio: number): void;
  /** Sends buffered spans now. */
  forceFlush(): Promise<void>;
  /** Flushes buffered spans (bounded by tracing.shutdownTimeoutMs) and unregisters the SDK. Safe to call twice. */
  shutdown(): Promise<void>;
}

// OpenTelemetry's registration is process-wide, so the handle is too: the
// preload starts tracing before configuration exists, and the service's
// lifecycle later finds the same handle here to flush it at shutdown. A
// Symbol.for key keeps one slot even if the kit is loaded twice (src and dist).
const SLOT = Symbol.for('nimbus.kit.telemetry');
type Slot = { [SLOT]?: TelemetryHandle };

/** The handle of the tracing started in this process, if any. */
export function activeTelemetry(): TelemetryHandle | undefined {
  return (globalThis as Slot)[SLOT];
}

/**
 * Starts OpenTelemetry tracing: NodeSDK exporting to Zipkin through a batch
 * processor, ParentBased(TraceIdRatio) sampling, W3C trace context and
 * baggage on every hop with B3 accepted on the way in, and the platform's
 * instrumentations. If tracing is already running in this process (the
 * preload started it) that handle is returned unchanged; use
 * `setSampleRatio` to apply a ratio from configuration.
 *
 * Module patching only reaches modules imported after this runs, so services
 * start with `node --import @nimbus/kit/register`; called from main.ts
 * instead, only fetch and fastify spans are reliable.
 */
export function startTelemetry(options: TelemetryOptions, deps: TelemetryDeps = {}): TelemetryHandle {
  const existing = activeTelemetry();
  if (existing) return existing;
  const { serviceName, serviceVersion, serviceInstanceId = randomUUID(), ...rest } = options;
  const settings = resolveSettings(TracingSettings, flatten({ tracing: rest })).tracing;
  const preloaded = deps.preloaded ?? false;
  const identity = { serviceName, serviceInstanceId, preloaded };
  if (!settings.enabled) return occupy(disabledHandle(identity));

  installDiagLogger(serviceName);
  const sampler = new NimbusSampler({ ratio: settings.sampleRatio, rootClientSpans: settings.rootClientSpans });
  const exporter = new RedactingSpanExporter(deps.exporter ?? new ZipkinExporter({ url: spansUrl(settings.zipkinUrl) }));
  const processor = new BatchSpanProcessor(exporter, {
    maxQueueSize: settings.batch.maxQueueSize,
    maxExportBatchSize: Math.min(settings.batch.maxExportBatchSize, settings.batch.maxQueueSize),
    scheduledDelayMillis: settings.batch.scheduledDelayMs,
    exportTimeoutMillis: settings.batch.exportTimeoutMs,
  });
  const instrumentations = createInstrumentations(settings);
  type SdkConfig = NonNullable<ConstructorParameters<typeof NodeSDK>[0]>;
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      [ATTR_SERVICE_VERSION]: serviceVersion,
      // ATTR_SERVICE_INSTANCE_ID is still in the incubating entry point.
      'service.instance.id': serviceInstanceId,
    }),
    // env: OTEL_RESOURCE_ATTRIBUTES (deployment.environment…); host: host.name.
    // Not the process detector: Zipkin copies resource attributes onto every
    // span, and process.command_args may carry secrets.
    resourceDetectors: [envDetector, hostDetector],
    serviceName,
    sampler,
    spanProcessors: [processor],
    textMapPropagator: createPropagator(),
    // Structural cast: @fastify/otel is built on an older @opentelemetry/instrumentation.
    instrumentations: instrumentations as unknown as SdkConfig['instrumentations'],
    // Empty on purpose: otherwise NodeSDK defaults to OTLP exporters on localhost:4318.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  if (!preloaded) {
    deps.logger?.warn('tracing started without the --import preload: calls through modules imported before it are not traced', {
      'event.action': 'telemetry-start',
    });
  }
  deps.logger?.info('tracing started', { 'url.full': spansUrl(settings.zipkinUrl), 'event.action': 'telemetry-start' });

  let stopping: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    enabled: true,
    ...identity,
    get sampleRatio() {
      return sampler.ratio;
    },
    setSampleRatio: (ratio) => sampler.setRatio(ratio),
    forceFlush: () => processor.forceFlush(),
    shutdown: () =>
      (stopping ??= (async () => {
        try {
          // The span processor is all the SDK holds that needs flushing. Not
          // sdk.shutdown(): it also shuts the (processor-less) LoggerProvider
          // NodeSDK registers globally, which instrumentations created by a
          // later start in the same process (tests) would still be handed,
          // each warning "A shutdown LoggerProvider cannot provide a Logger".
          await withTimeout(processor.shutdown(), settings.shutdownTimeoutMs);
        } finally {
          for (const i of instrumentations) i.disable();
          // Unregister so a later start in the same process begins clean.
          trace.disable();
          propagation.disable();
          context.disable();
          release(handle);
        }
      })()),
  };
  return occupy(handle);
}

function disabledHandle(identity: { serviceName: string; serviceInstanceId: string; preloaded: boolean }): TelemetryHandle {
  const handle: TelemetryHandle = {
    enabled: false,
    ...identity,
    sampleRatio: 0,
    setSampleRatio: () => {},
    forceFlush: () => Promise.resolve(),
    shutdown: async () => release(handle),
  };
  return handle;
}

function occupy(handle: TelemetryHandle): TelemetryHandle {
  (globalThis as Slot)[SLOT] = handle;
  return handle;
}

function release(handle: TelemetryHandle): void {
  if ((globalThis as Slot)[SLOT] === handle) (globalThis as Slot)[SLOT] = undefined;
}

/** Accepts the Zipkin base URL (as in endpoints.env) or the full spans endpoint. */
export function spansUrl(zipkinUrl: string): string {
  const base = zipkinUrl.replace(/\/+$/, '');
  return base.endsWith('/api/v2/spans') ? base : `${base}/api/v2/spans`;
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
