import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Same approach as infra/test/endpoints.ts: infra/endpoints.env, with the
// process environment taking precedence (compose sets the same names).

function parseEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export const endpoints: Readonly<Record<string, string>> = (() => {
  const defaults = parseEnvFile(fileURLToPath(new URL('../../../../infra/endpoints.env', import.meta.url)));
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(defaults)) merged[k] = process.env[k] ?? v;
  return merged;
})();

export function endpoint(name: string): string {
  const value = endpoints[name];
  if (!value) throw new Error(`${name} is not defined in infra/endpoints.env`);
  return value;
}

/** A name unique to this run, so repeated runs against the same servers never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Polls fn until it returns a value other than undefined, or throws after timeoutMs. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((r) => setTimeout(r, 100));
  }
}
