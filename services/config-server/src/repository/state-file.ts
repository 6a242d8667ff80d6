import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What survives a restart: the last commit accepted for the default label, so a bad tip is not served after a restart. */
export interface ServedState {
  label: string;
  commit: string;
  acceptedAt: string;
}

export async function readServedState(path: string): Promise<ServedState | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<ServedState>;
    return typeof value.label === 'string' && typeof value.commit === 'string' && typeof value.acceptedAt === 'string' ? (value as ServedState) : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole to a temporary file and renamed, so a crash never leaves half a state. */
export async function writeServedState(path: string, state: ServedState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, path);
}
