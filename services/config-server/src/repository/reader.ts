import { ConfigFileError, parseConfigFile, type ParsedFile } from '../domain/documents.js';
import { propertySources, type Environment, type PropertySource } from '../domain/environment.js';
import type { Flat } from '../domain/flatten.js';
import { splitList } from '../domain/labels.js';
import { mergeSources } from '../domain/merge.js';
import { resolvePlaceholders } from '../domain/placeholders.js';
import { orderedFiles } from '../domain/precedence.js';
import { CONFIG_FILE_INVALID, LABEL_NOT_FOUND, NO_VALID_COMMIT } from '../errors.js';
import { Lru } from '../git/lru.js';
import type { GitRepository } from '../git/repository.js';
import type { SecretResolver } from '../secrets/resolver.js';
import type { Layout } from './content.js';
import type { ConfigSync } from './sync.js';

export interface ConfigRequest {
  /** One name or several, comma-separated (the last wins). */
  application: string;
  /** Comma-separated; the last wins. */
  profiles: string;
  /** A branch, tag or commit; absent = the default label. */
  label?: string;
}

export interface ReaderOptions {
  repo: GitRepository;
  sync: ConfigSync;
  secrets: SecretResolver;
  layout: Layout;
  cacheSize: number;
  /** A miss on a label fetches at most once per this interval (0 = never). */
  missingLabelFetchIntervalMs: number;
}

/**
 * Serves configuration: finds the commit for a label (the validated one for
 * the default label), the files for an application and profiles in
 * precedence order, and resolves their secret references.
 */
export class ConfigReader {
  readonly #o: ReaderOptions;
  readonly #parsed: Lru<string, ParsedFile | ConfigFileError>;
  #lastMissFetch = 0;

  constructor(opts: ReaderOptions) {
    this.#o = opts;
    this.#parsed = new Lru(opts.cacheSize);
  }

  /** Spring's Environment for GET /{application}/{profile}[/{label}], secrets resolved. */
  async environment(req: ConfigRequest): Promise<Environment> {
    const { label, commit } = await this.#locate(req.label);
    const profiles = splitList(req.profiles);
    const sources = await this.#sources(req.application, profiles.length ? profiles : ['default'], label, commit);
    return {
      name: req.application,
      profiles: profiles.length ? profiles : ['default'],
      label,
      version: commit,
      state: null,
      propertySources: await this.#o.secrets.resolve(sources),
    };
  }

  /** The merged properties, for the .yml/.properties/.json views. */
  async merged(req: ConfigRequest, opts: { resolvePlaceholders: boolean }): Promise<Flat> {
    const env = await this.environment(req);
    const merged = mergeSources(env.propertySources.map((s) => s.source));
    return opts.resolvePlaceholders ? resolvePlaceholders(merged) : merged;
  }

  async #locate(requested: string | undefined): Promise<{ label: string; commit: string }> {
    const { repo, sync } = this.#o;
    const branch = repo.defaultBranch;
    if (requested === undefined || requested === '' || requested === branch || requested === sync.served?.label) {
      const served = sync.served;
      if (!served) throw NO_VALID_COMMIT(`label ${branch} has no commit that passed validation${sync.rejected ? ` (latest rejected: ${sync.rejected.commit})` : ''}`);
      return served;
    }
    let commit = await repo.resolve(requested);
    if (!commit && this.#o.missingLabelFetchIntervalMs > 0 && Date.now() - this.#lastMissFetch >= this.#o.missingLabelFetchIntervalMs) {
      // Perhaps pushed a moment ago: one fetch, shared by concurrent misses.
      this.#lastMissFetch = Date.now();
      await repo.fetch().catch(() => undefined);
      repo.forgetMisses();
      commit = await repo.resolve(requested);
    }
    if (!commit) throw LABEL_NOT_FOUND(`no branch, tag or commit named "${requested}" in ${repo.name}`);
    return { label: requested, commit };
  }

  async #sources(application: string, profiles: string[], label: string, commit: string): Promise<PropertySource[]> {
    const { repo, layout } = this.#o;
    const paths = orderedFiles(await repo.paths(commit), layout.patterns, { applications: splitList(application), profiles, label });
    const files = await Promise.all(paths.map((p) => this.#parse(commit, p)));
    return propertySources(files, profiles, repo.name);
  }

  async #parse(commit: string, path: string): Promise<ParsedFile> {
    const key = `${commit}:${path}`;
    let result = this.#parsed.get(key);
    if (!result) {
      const text = await this.#o.repo.read(commit, path);
      try {
        result = parseConfigFile(path, text);
      } catch (err) {
        result = err instanceof ConfigFileError ? err : new ConfigFileError(path, String(err));
      }
      this.#parsed.set(key, result);
    }
    if (result instanceof ConfigFileError) {
      throw CONFIG_FILE_INVALID({ detail: `${result.path} at ${commit.slice(0, 12)}: ${result.reason}`, extensions: { file: result.path, commit } });
    }
    return result;
  }
}
