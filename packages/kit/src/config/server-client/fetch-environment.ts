import { isEnvironment, type Environment } from './environment.js';
import type { ConfigClientSettings } from './settings.js';

/** Why a read failed, and whether trying again may help (network, 5xx, 408, 429: yes; 401, 404: no). */
export class ConfigServerError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ConfigServerError';
  }
}

export interface EnvironmentRequest {
  application: string;
  profiles: readonly string[];
  label: string;
}

/** `/` cannot travel inside a path segment: Spring's `(_)` stands for it. */
const segment = (s: string) => encodeURIComponent(s.replaceAll('/', '(_)')).replaceAll('%2C', ',');

/** The URL of GET /{application}/{profiles}[/{label}], without credentials. */
export function environmentUrl(uri: string, req: EnvironmentRequest): string {
  const base = uri.replace(/\/+$/, '');
  const profiles = req.profiles.length > 0 ? req.profiles.join(',') : 'default';
  return `${base}/${segment(req.application)}/${segment(profiles)}${req.label ? `/${segment(req.label)}` : ''}`;
}

/** One read of the Environment. */
export async function fetchEnvironment(settings: ConfigClientSettings, req: EnvironmentRequest): Promise<Environment> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.username || settings.password) headers['authorization'] = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
  let res: Response;
  try {
    res = await fetch(environmentUrl(settings.uri, req), { headers, signal: AbortSignal.timeout(settings.timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new ConfigServerError(`config server ${settings.uri} unreachable: ${cause ?? (err as Error).message}`, true);
  }
  if (!res.ok) {
    // The problem+json detail says what is wrong (LABEL_NOT_FOUND, SECRET_UNRESOLVED…) and never carries a secret.
    let detail = '';
    try {
      const body = (await res.json()) as { code?: string; detail?: string };
      detail = [body.code, body.detail].filter(Boolean).join(': ');
    } catch {
      // not problem+json
    }
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new ConfigServerError(`config server answered ${res.status}${detail ? ` (${detail})` : ''}`, retryable, res.status);
  }
  const body: unknown = await res.json();
  if (!isEnvironment(body)) throw new ConfigServerError('config server answered something that is not an Environment', false, res.status);
  return body;
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The delay before attempt `n` (2 for the first retry): initial × multiplier^(n-2), capped. */
export function retryDelay(attempt: number, retry: ConfigClientSettings['retry']): number {
  return Math.min(retry.maxMs, Math.round(retry.initialMs * retry.multiplier ** Math.max(0, attempt - 2)));
}

/**
 * Reads with bounded exponential retries on retryable failures. `onRetry`
 * hears about each failed attempt that will be retried.
 */
export async function fetchWithRetry(
  settings: ConfigClientSettings,
  req: EnvironmentRequest,
  opts: { maxAttempts?: number; sleep?: Sleep; onRetry?: (attempt: number, err: ConfigServerError, delayMs: number) => void } = {},
): Promise<Environment> {
  const max = opts.maxAttempts ?? settings.retry.maxAttempts;
  const sleep = opts.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchEnvironment(settings, req);
    } catch (err) {
      const e = err instanceof ConfigServerError ? err : new ConfigServerError(String(err), true);
      if (!e.retryable || attempt >= max) throw e;
      const delay = retryDelay(attempt + 1, settings.retry);
      opts.onRetry?.(attempt, e, delay);
      await sleep(delay);
    }
  }
}
