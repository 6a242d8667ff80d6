import { locateFile } from '../domain/precedence.js';
import type { CommitContent } from '../domain/validation.js';
import type { GitRepository } from '../git/repository.js';

export interface Layout {
  /** searchPaths, split. */
  patterns: readonly string[];
  /** Folder of {application}.schema.json files. */
  schemaDir: string;
}

/** Reads what validation needs from a commit: every servable config file and every schema. */
export async function loadCommitContent(repo: GitRepository, commit: string, label: string, layout: Layout): Promise<CommitContent> {
  const paths = await repo.paths(commit);
  const schemaDir = layout.schemaDir.replace(/^\/+|\/+$/g, '');
  const files = new Map<string, string>();
  const schemas = new Map<string, string>();
  const reads: Promise<void>[] = [];
  for (const path of paths) {
    if (locateFile(path, layout.patterns, label)) reads.push(repo.read(commit, path).then((t) => void files.set(path, t)));
    const app = path.startsWith(`${schemaDir}/`) ? /^([^/]+)\.schema\.json$/.exec(path.slice(schemaDir.length + 1))?.[1] : undefined;
    if (app) reads.push(repo.read(commit, path).then((t) => void schemas.set(app, t)));
  }
  await Promise.all(reads);
  return { paths, files, schemas, patterns: layout.patterns, label };
}
