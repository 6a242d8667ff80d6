import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// infra/endpoints.env, with the process environment taking precedence (compose sets the same names).
const defaults = Object.fromEntries(
  readFileSync(fileURLToPath(new URL('../../../../infra/endpoints.env', import.meta.url)), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

export function endpoint(name: string): string {
  const value = process.env[name] ?? defaults[name];
  if (!value) throw new Error(`${name} is not defined in infra/endpoints.env`);
  return value;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Polls until fn returns something other than undefined, or fails after timeoutMs. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    await new Promise((r) => setTimeout(r, 100));
  }
}
