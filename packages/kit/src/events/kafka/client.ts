import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../../logging/logger.js';
import { EVENT_BUS_UNAVAILABLE, EVENT_PUBLISH_FAILED, EVENT_PUBLISH_TIMEOUT } from '../errors.js';
import { isProblemError, type ProblemError } from '../../errors/problem.js';

// kafkajs warns about this on every idempotent producer whose retries are
// bounded; bounding them is deliberate (see KafkaEventBus), so it is noise.
const EXPECTED_WARNINGS = [/Limiting retries for the idempotent producer/];

/** Routes kafkajs's own logging into the service logger; its INFO chatter (joins, rebalances) goes to debug. */
export function kafkajsLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ library: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      if (EXPECTED_WARNINGS.some((re) => re.test(message))) return;
      if (level === logLevel.ERROR) kafkaLogger.error(message, fields);
      else if (level === logLevel.WARN) kafkaLogger.warn(message, fields);
      else if (level === logLevel.INFO) kafkaLogger.debug(message, fields);
    };
}

class Timeout extends Error {}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function rootCause(err: unknown): unknown {
  let e = err as { cause?: unknown; originalError?: unknown } | undefined;
  for (let depth = 0; depth < 10 && e && (e.cause || e.originalError); depth++) e = (e.cause ?? e.originalError) as typeof e;
  return e;
}

/** Maps a failed send to the catalogue; connection-type failures say the broker is unavailable. */
export function sendError(err: unknown, topic: string, timeoutMs: number): ProblemError {
  if (isProblemError(err)) return err;
  if (err instanceof Timeout) return EVENT_PUBLISH_TIMEOUT(`no acknowledgement from Kafka for ${topic} within ${timeoutMs} ms`);
  const root = rootCause(err) as { name?: string; message?: string } | undefined;
  const detail = `${topic}: ${root?.message ?? String(err)}`;
  if (root?.name === 'KafkaJSConnectionError' || root?.name === 'KafkaJSBrokerNotFound' || root?.name === 'KafkaJSNoBrokerAvailableError') {
    return EVENT_BUS_UNAVAILABLE({ detail, cause: err });
  }
  return EVENT_PUBLISH_FAILED({ detail, cause: err });
}
