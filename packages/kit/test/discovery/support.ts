import { createServer } from 'node:net';
import type { Logger } from '../../src/logging/logger.js';

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export type LogLine = { level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> };

/** A Logger that keeps what it was told, for asserting on what operators would see. */
export function recordingLogger(lines: LogLine[] = [], bound: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const at = (level: LogLine['level']) => (message: string, fields: Record<string, unknown> = {}) => lines.push({ level, message, fields: { ...bound, ...fields } });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => recordingLogger(lines, { ...bound, ...fields }),
  };
}
