import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Parses a KEY=value file (comments and blank lines skipped). */
export function parseEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const file = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));

export const versions: Readonly<Record<string, string>> = parseEnvFile(file('versions.env'));

// Where the infrastructure is, and the polling helpers: the same as every other test's.
export { endpoint, endpoints, eventually, uniqueName } from '@nimbus/kit/testing';
