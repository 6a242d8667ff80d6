/**
 * Preload that makes a service traceable before any of its modules load:
 *
 *   node --import @nimbus/kit/register dist/src/main.js
 *
 * In ESM, OpenTelemetry instrumentations can only patch a module (mysql2,
 * mongodb, amqplib, kafkajs, node:http…) through a loader hook registered
 * before the module is imported, and the hook is only consulted for imports
 * that happen after `--import` preloads have run. So this file:
 *
 * 1. registers import-in-the-middle's loader with a message channel, so the
 *    loader wraps only the modules instrumentations ask for (every other
 *    module loads untouched, which keeps start-up fast and avoids
 *    import-in-the-middle's known incompatibilities with unusual modules);
 * 2. starts the SDK from the environment (see env.ts), which constructs the
 *    instrumentations, each sending its module names down the channel;
 * 3. waits until the loader acknowledged every name, then lets the app load.
 *
 * CommonJS modules (fastify's own `require('node:http')`) are patched by
 * require-in-the-middle, which the same instrumentations install.
 *
 * @opentelemetry/instrumentation 0.223 ships a `hook.mjs` that only
 * re-exports import-in-the-middle's loader and does not re-export
 * `createAddHookMessageChannel`, so both come from import-in-the-middle
 * itself (one hoisted copy, shared with the instrumentations; the channel
 * state lives in that module).
 */
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { telemetryOptionsFromEnv } from './env.js';
import { startTelemetry } from './sdk.js';

const options = telemetryOptionsFromEnv(process.env);
if (options.enabled !== false) {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  startTelemetry(options, { preloaded: true });
  await waitForAllMessagesAcknowledged();
} else {
  // Still occupy the slot, so the lifecycle sees tracing is deliberately off.
  startTelemetry(options, { preloaded: true });
}
