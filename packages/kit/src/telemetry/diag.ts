import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { redactString } from '../logging/redact.js';

const QUIET_MS = 60_000;

/**
 * OpenTelemetry reports its own trouble (Zipkin unreachable, spans dropped)
 * through `diag`, which is silent by default: a team would see traces stop
 * with no hint why. This writes warnings and errors to stderr as one ECS
 * JSON line each, at most once a minute per message, because an unreachable
 * Zipkin fails every batch. OTEL_LOG_LEVEL, when set, still wins (NodeSDK
 * installs its console logger after this).
 */
export function installDiagLogger(serviceName: string, write: (line: string) => void = (l) => void process.stderr.write(l)): void {
  const lastSeen = new Map<string, number>();
  const emit = (level: string) => (message: string, ...args: unknown[]) => {
    const now = Date.now();
    const key = `${level}:${message}`;
    if ((lastSeen.get(key) ?? -Infinity) > now - QUIET_MS) return;
    if (lastSeen.size > 100) lastSeen.clear();
    lastSeen.set(key, now);
    const detail = args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : safeJson(a))).join(' ');
    write(
      `${JSON.stringify({
        '@timestamp': new Date(now).toISOString(),
        'log.level': level,
        'log.logger': 'opentelemetry',
        'service.name': serviceName,
        message: redactString(detail ? `${message} ${detail}` : message),
      })}\n`,
    );
  };
  const logger: DiagLogger = { error: emit('error'), warn: emit('warn'), info: () => {}, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
