import { existsSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '@nimbus/kit';
import { gitIn, type GitOptions } from './git.js';

const AUTHOR = ['-c', 'user.name=nimbus config-server', '-c', 'user.email=config-server@nimbus.invalid'];

/** Whether a folder is itself a git repository (a work tree root or a bare repository), not merely inside one. */
export function isGitRepository(dir: string): boolean {
  return existsSync(join(dir, '.git')) || (existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs')));
}

/**
 * Serves a plain folder (the seed config-repo/ shipped with the project) by
 * importing it into a git repository under the data directory: created on
 * first start, then at each start and each fetch (poll, /monitor) whatever
 * changed in the folder is committed. The folder is the truth: commits made
 * directly in the seed repository are overwritten by the next import. For a
 * git workflow, point git.uri at a real repository instead. Returns the
 * repository's path.
 */
export async function seedFromFolder(folder: string, seedDir: string, branch: string, opts: GitOptions, logger: Logger): Promise<string> {
  if (!existsSync(folder)) throw new Error(`git.uri ${folder} does not exist: set git.uri (env CONFIG_GIT_URI) to a repository URL or a folder`);
  await mkdir(seedDir, { recursive: true });
  const git = gitIn(seedDir, opts);
  if (!existsSync(join(seedDir, '.git'))) {
    await git.raw(['init', '--quiet', `--initial-branch=${branch}`]);
    logger.info('created the seed repository', { 'config.seed.folder': folder, 'config.seed.repository': seedDir });
  }
  const tracked = (await git.raw(['ls-files', '-z'])).split('\0').filter(Boolean);
  await Promise.all(tracked.map((f) => rm(join(seedDir, f), { force: true })));
  await cp(folder, seedDir, { recursive: true, filter: (src) => basename(src) !== '.git' });
  await git.raw(['add', '--all']);
  if ((await git.raw(['status', '--porcelain'])).trim() !== '') {
    await git.raw([...AUTHOR, 'commit', '--quiet', '--message', `Import ${folder}`]);
    logger.info('committed the seed folder', { 'config.seed.folder': folder, 'config.seed.repository': seedDir });
  }
  return seedDir;
}
