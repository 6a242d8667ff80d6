import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isEnvironment, type Environment } from './environment.js';
import type { EnvironmentRequest } from './fetch-environment.js';

/** The last Environment read successfully, with what it was read for. */
export interface CachedEnvironment {
  savedAt: string;
  application: string;
  profiles: string[];
  label: string;
  environment: Environment;
}

export function cachePath(template: string, application: string): string {
  return template.replaceAll('{application}', application.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/**
 * Written to a temporary file then renamed (a crash never leaves half a
 * copy), readable by the owner only: the values include resolved secrets.
 */
export async function writeCache(path: string, req: EnvironmentRequest, environment: Environment): Promise<void> {
  const entry: CachedEnvironment = { savedAt: new Date().toISOString(), application: req.application, profiles: [...req.profiles], label: req.label, environment };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
  await rename(tmp, path);
}

/** The copy if it exists, parses and was read for the same application, profiles and label. */
export async function readCache(path: string, req: EnvironmentRequest): Promise<CachedEnvironment | { mismatch: string } | undefined> {
  let entry: CachedEnvironment;
  try {
    entry = JSON.parse(await readFile(path, 'utf8')) as CachedEnvironment;
  } catch {
    return undefined;
  }
  if (!entry || !isEnvironment(entry.environment)) return undefined;
  const same = entry.application === req.application && entry.label === req.label && entry.profiles?.join(',') === req.profiles.join(',');
  if (!same) return { mismatch: `copy was read for ${entry.application}/${entry.profiles?.join(',')}/${entry.label || '(default label)'}` };
  return entry;
}
