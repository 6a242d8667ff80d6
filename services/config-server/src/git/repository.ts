import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Logger } from '@nimbus/kit';
import type { SimpleGit } from 'simple-git';
import { isCommitId, isValidLabel } from '../domain/labels.js';
import { LABEL_INVALID, REPOSITORY_UNAVAILABLE } from '../errors.js';
import { gitErrorMessage, gitIn, redactUrl, type GitOptions } from './git.js';
import { Lru } from './lru.js';
import { isGitRepository, seedFromFolder } from './seed.js';

export interface RepositoryOptions extends GitOptions {
  uri: string;
  basedir: string;
  seedDir: string;
  defaultLabel: string;
  tryMasterBranch: boolean;
  cacheSize: number;
  logger: Logger;
  /** Relative paths resolve against this (default: the process's working directory). */
  cwd?: string;
}

export interface FetchStatus {
  at: string;
  ok: boolean;
  error?: string;
}

/** `https://…`, `ssh://…`, `file://…` or scp-like `git@host:repo`. */
const isRemote = (uri: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) || /^[^/\s]+@[^/\s]+:/.test(uri);

// Forced: a force-pushed branch or moved tag simply follows the remote.
const BRANCHES_REFSPEC = '+refs/heads/*:refs/heads/*';
const TAGS_REFSPEC = '+refs/tags/*:refs/tags/*';

/**
 * The configuration repository, read at any revision without checkouts: a
 * bare clone under basedir fetched with forced refspecs (a force-pushed
 * branch simply moves; deleted branches and tags are pruned), files read
 * with `git ls-tree` / `git cat-file`, so several labels are served at once.
 * Refs are resolved from one in-memory table rebuilt after each fetch;
 * trees and files at a commit never change and are cached.
 */
export class GitRepository {
  readonly #git: SimpleGit;
  readonly #opts: RepositoryOptions;
  readonly #remote: string;
  /** What property source names start with: the URI without credentials. */
  readonly name: string;
  #refs = new Map<string, string>();
  readonly #commits = new Map<string, string | null>();
  readonly #trees: Lru<string, ReadonlySet<string>>;
  readonly #blobs: Lru<string, string>;
  /** In seed mode: re-imports the folder, so edits to it are served like commits. */
  #reseed: (() => Promise<unknown>) | undefined;
  #fetching: Promise<string[]> | undefined;
  #queued: Promise<string[]> | undefined;
  #lastFetch: FetchStatus | undefined;

  private constructor(git: SimpleGit, remote: string, name: string, opts: RepositoryOptions) {
    this.#git = git;
    this.#remote = remote;
    this.name = name;
    this.#opts = opts;
    this.#trees = new Lru(64);
    this.#blobs = new Lru(opts.cacheSize);
  }

  /** Prepares the clone (seeding a plain folder first) and fetches; a failed fetch is fatal only without an earlier clone. */
  static async open(opts: RepositoryOptions): Promise<GitRepository> {
    const cwd = opts.cwd ?? process.cwd();
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
    let remote: string;
    let name: string;
    let reseed: (() => Promise<unknown>) | undefined;
    if (isRemote(opts.uri)) {
      remote = opts.uri;
      name = redactUrl(opts.uri).replace(/\/+$/, '');
    } else {
      const folder = abs(opts.uri);
      name = `file://${folder}`;
      if (isGitRepository(folder)) remote = folder;
      else {
        reseed = () => seedFromFolder(folder, abs(opts.seedDir), opts.defaultLabel, opts, opts.logger);
        remote = abs(opts.seedDir);
        await reseed();
      }
    }
    const dir = join(abs(opts.basedir), 'repo.git');
    await mkdir(dir, { recursive: true });
    const git = gitIn(dir, opts);
    if (!isGitRepository(dir)) await git.raw(['init', '--quiet', '--bare']);
    const remotes = (await git.raw(['remote'])).split('\n').map((r) => r.trim());
    await git.raw(remotes.includes('origin') ? ['remote', 'set-url', 'origin', remote] : ['remote', 'add', 'origin', remote]);
    await git.raw(['config', '--replace-all', 'remote.origin.fetch', BRANCHES_REFSPEC]);
    await git.raw(['config', '--add', 'remote.origin.fetch', TAGS_REFSPEC]);
    const repo = new GitRepository(git, remote, name, opts);
    repo.#reseed = reseed;
    await repo.#loadRefs();
    try {
      await repo.fetch();
    } catch (err) {
      if (repo.#refs.size === 0) throw err;
      opts.logger.warn('fetch failed at start; serving the clone fetched earlier', { 'error.message': (err as Error).message });
    }
    return repo;
  }

  get lastFetch(): FetchStatus | undefined {
    return this.#lastFetch;
  }

  /**
   * Fetches; resolves with the refs that moved. Concurrent callers share a
   * fetch, and a call arriving while one runs gets one more after it (the
   * running one may predate the push that caller heard of).
   */
  fetch(): Promise<string[]> {
    if (!this.#fetching) {
      this.#fetching = this.#doFetch().finally(() => (this.#fetching = undefined));
      return this.#fetching;
    }
    this.#queued ??= this.#fetching
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.fetch();
      });
    return this.#queued;
  }

  async #doFetch(): Promise<string[]> {
    const before = new Map(this.#refs);
    if (this.#reseed) {
      await this.#reseed().catch((err: unknown) => this.#opts.logger.warn('could not import the seed folder', { 'error.message': (err as Error).message }));
    }
    try {
      await this.#git.raw(['fetch', '--quiet', '--prune', '--no-auto-gc', 'origin']);
    } catch (err) {
      const error = gitErrorMessage(err);
      this.#lastFetch = { at: new Date().toISOString(), ok: false, error };
      throw REPOSITORY_UNAVAILABLE({ detail: `fetching ${this.name} failed: ${error}`, cause: err });
    }
    this.#lastFetch = { at: new Date().toISOString(), ok: true };
    await this.#loadRefs();
    const moved = new Set<string>();
    for (const [ref, commit] of this.#refs) if (before.get(ref) !== commit) moved.add(ref);
    for (const ref of before.keys()) if (!this.#refs.has(ref)) moved.add(ref);
    return [...moved].sort();
  }

  async #loadRefs(): Promise<void> {
    // %(*objectname) is the commit an annotated tag points to.
    const out = await this.#git.raw(['for-each-ref', '--format=%(refname) %(objectname) %(*objectname)', 'refs/heads', 'refs/tags']);
    const refs = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [ref, object, peeled] = line.trim().split(' ');
      if (ref && object) refs.set(ref, peeled || object);
    }
    this.#refs = refs;
  }

  /** The branch the default label serves: defaultLabel, or master when main is missing and tryMasterBranch is on. */
  get defaultBranch(): string {
    const { defaultLabel, tryMasterBranch } = this.#opts;
    if (!this.#refs.has(`refs/heads/${defaultLabel}`) && tryMasterBranch && defaultLabel === 'main' && this.#refs.has('refs/heads/master')) return 'master';
    return defaultLabel;
  }

  /** A branch, tag or commit id → the commit, or undefined when the repository has no such label. */
  async resolve(label: string): Promise<string | undefined> {
    if (!isValidLabel(label)) throw LABEL_INVALID(`"${label}" cannot name a branch, tag or commit`);
    const ref = this.#refs.get(`refs/heads/${label}`) ?? this.#refs.get(`refs/tags/${label}`);
    if (ref) return ref;
    if (!isCommitId(label)) return undefined;
    const known = this.#commits.get(label);
    if (known !== undefined) return known ?? undefined;
    let commit: string | null = null;
    try {
      commit = (await this.#git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${label}^{commit}`])).trim() || null;
    } catch {
      commit = null;
    }
    // Found commits never change; misses are forgotten at the next fetch.
    this.#commits.set(label, commit);
    return commit ?? undefined;
  }

  /** Forgets misses, so a commit id fetched since can be found. */
  forgetMisses(): void {
    for (const [k, v] of this.#commits) if (v === null) this.#commits.delete(k);
  }

  /** Every file path of a commit. */
  async paths(commit: string): Promise<ReadonlySet<string>> {
    const cached = this.#trees.get(commit);
    if (cached) return cached;
    const out = await this.#git.raw(['ls-tree', '-r', '-z', '--name-only', commit]);
    const paths: ReadonlySet<string> = new Set(out.split('\0').filter(Boolean));
    this.#trees.set(commit, paths);
    return paths;
  }

  /** A file's text at a commit. */
  async read(commit: string, path: string): Promise<string> {
    const key = `${commit}:${path}`;
    const cached = this.#blobs.get(key);
    if (cached !== undefined) return cached;
    const text = await this.#git.raw(['cat-file', 'blob', key]);
    this.#blobs.set(key, text);
    return text;
  }

  /** Paths that differ between two commits (added, modified, deleted; renames as delete + add). */
  async changedPaths(from: string, to: string): Promise<string[]> {
    const out = await this.#git.raw(['diff', '--name-only', '-z', '--no-renames', from, to, '--']);
    return out.split('\0').filter(Boolean);
  }

  /** A commit and its first-parent ancestors, newest first. */
  async history(commit: string, count: number): Promise<string[]> {
    const out = await this.#git.raw(['rev-list', '--first-parent', `--max-count=${count}`, commit]);
    return out.split('\n').map((s) => s.trim()).filter(Boolean);
  }

  /** Whether the clone has this commit (a commit recorded before a force-push may be gone). */
  async hasCommit(commit: string): Promise<boolean> {
    return (await this.resolve(commit)) !== undefined;
  }

  get remote(): string {
    return redactUrl(this.#remote);
  }
}
