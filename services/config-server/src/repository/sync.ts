import type { Logger } from '@nimbus/kit';
import { affectedApplications } from '../domain/affected.js';
import { validateCommit, type ValidationProblem } from '../domain/validation.js';
import { refreshEvent, type RefreshData, type RefreshPublisher } from '../events/refresh.js';
import { gitErrorMessage } from '../git/git.js';
import type { GitRepository } from '../git/repository.js';
import { loadCommitContent, type Layout } from './content.js';
import { readServedState, writeServedState, type ServedState } from './state-file.js';

export interface Rejection {
  commit: string;
  at: string;
  problems: ValidationProblem[];
}

export type SyncStatus = 'published' | 'unchanged' | 'rejected' | 'failed';

export interface SyncOutcome {
  status: SyncStatus;
  /** The commit served for the default label after this sync. */
  commit: string | undefined;
  applications: string[];
  problems?: ValidationProblem[];
  error?: string;
}

export interface SyncOptions {
  repo: GitRepository;
  layout: Layout;
  publisher: RefreshPublisher;
  /** Event source: the service name. */
  source: string;
  stateFile: string;
  historyDepth: number;
  pollIntervalMs: number;
  retryIntervalMs: number;
  logger: Logger;
}

const MAX_REJECTIONS = 10;

/**
 * Decides what the default label serves. A new commit (from polling or
 * /monitor) is fetched and validated first; only a valid one is served and
 * announced with a refresh event naming the applications it concerns. A bad
 * commit is reported and skipped: the last good one keeps serving, across
 * restarts too (the accepted commit is kept on disk). Syncs run one at a time.
 */
export class ConfigSync {
  readonly #o: SyncOptions;
  #served: ServedState | undefined;
  #rejections: Rejection[] = [];
  #chain: Promise<unknown> = Promise.resolve();
  #poll: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #pending: RefreshData | undefined;
  #lastPublished: { at: string; data: RefreshData } | undefined;
  #fetchError: string | undefined;
  #closed = false;

  constructor(opts: SyncOptions) {
    this.#o = opts;
  }

  get served(): ServedState | undefined {
    return this.#served;
  }

  /** The latest rejected commit, while it is newer than what is served. */
  get rejected(): Rejection | undefined {
    return this.#rejections[0];
  }

  get rejections(): readonly Rejection[] {
    return this.#rejections;
  }

  get pendingRefresh(): RefreshData | undefined {
    return this.#pending;
  }

  get lastPublished(): { at: string; data: RefreshData } | undefined {
    return this.#lastPublished;
  }

  /**
   * Picks the commit to serve at start: the tip if valid; else the commit
   * accepted before the restart; else the newest valid one in recent
   * first-parent history. Then starts polling.
   */
  async start(): Promise<void> {
    const { repo, logger } = this.#o;
    const label = repo.defaultBranch;
    const previous = await readServedState(this.#o.stateFile);
    const tip = await repo.resolve(label);
    if (!tip) logger.error('the default label is not in the repository; nothing to serve until it appears', { 'config.label': label, 'config.repository': repo.name });
    else if (await this.#validate(tip, label)) {
      await this.#accept(label, tip);
      if (previous && previous.label === label && previous.commit !== tip && (await repo.hasCommit(previous.commit))) {
        // Pushed while this server was down: clients still hold the old values.
        await this.#announce(affectedApplications(await repo.changedPaths(previous.commit, tip), this.#o.layout.patterns, label), tip, label);
      }
    } else if (previous && previous.label === label && (await repo.hasCommit(previous.commit))) {
      this.#served = previous;
      logger.warn('the tip of the default label is invalid; serving the commit accepted before the restart', { 'config.commit': previous.commit });
    } else {
      const history = (await repo.history(tip, this.#o.historyDepth)).slice(1);
      for (const commit of history) {
        if (await this.#validate(commit, label, false)) {
          await this.#accept(label, commit);
          logger.warn('the tip of the default label is invalid; serving the newest valid commit before it', { 'config.commit': commit });
          break;
        }
      }
      if (!this.#served) logger.error('no valid commit in recent history; the default label serves nothing until a valid commit arrives', { 'config.label': label });
    }
    if (this.#o.pollIntervalMs > 0) {
      this.#poll = setInterval(() => void this.sync('poll').catch(() => undefined), this.#o.pollIntervalMs);
      this.#poll.unref();
    }
  }

  /**
   * Fetches, validates a new tip, serves and announces it. `paths` from a
   * manual `path=` trigger are announced even when no commit is new, as
   * Spring's /monitor does.
   */
  sync(reason: string, manualPaths: readonly string[] = []): Promise<SyncOutcome> {
    const run = this.#chain.then(() => this.#syncOnce(reason, manualPaths));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #syncOnce(reason: string, manualPaths: readonly string[]): Promise<SyncOutcome> {
    const { repo, logger } = this.#o;
    let error: string | undefined;
    try {
      await repo.fetch();
      repo.forgetMisses();
      if (this.#fetchError) logger.info('fetching the configuration repository works again', { 'event.reason': reason });
      this.#fetchError = undefined;
    } catch (err) {
      error = (err as Error).message;
      // Once per outage (and per new error), not at every poll.
      if (error !== this.#fetchError) logger.warn('fetch failed; still serving the last fetched state', { 'event.reason': reason, 'error.message': error });
      this.#fetchError = error;
    }
    const label = repo.defaultBranch;
    const served = this.#served?.label === label ? this.#served.commit : undefined;
    const tip = await repo.resolve(label);
    if (!tip || tip === served) {
      const applications = manualPaths.length > 0 && served ? affectedApplications(manualPaths, this.#o.layout.patterns, label) : [];
      if (applications.length > 0 && served) await this.#announce(applications, served, label);
      return { status: error ? 'failed' : applications.length > 0 ? 'published' : 'unchanged', commit: served, applications, ...(error && { error }) };
    }
    const known = this.#rejections.find((r) => r.commit === tip);
    if (known) return { status: 'rejected', commit: served, applications: [], problems: known.problems };
    if (!(await this.#validate(tip, label))) return { status: 'rejected', commit: served, applications: [], problems: this.#rejections[0]?.problems ?? [] };
    let changed: string[];
    try {
      changed = served ? await repo.changedPaths(served, tip) : ['application.yml'];
    } catch {
      changed = ['application.yml']; // the old commit is gone (force-push): everyone re-reads
    }
    const applications = affectedApplications([...changed, ...manualPaths], this.#o.layout.patterns, label);
    await this.#accept(label, tip);
    if (applications.length > 0) await this.#announce(applications, tip, label);
    return { status: 'published', commit: tip, applications };
  }

  async #validate(commit: string, label: string, report = true): Promise<boolean> {
    const { repo, logger, layout } = this.#o;
    let problems: ValidationProblem[];
    try {
      problems = validateCommit(await loadCommitContent(repo, commit, label, layout)).problems;
    } catch (err) {
      problems = [{ message: `the commit could not be read: ${gitErrorMessage(err)}` }];
    }
    if (problems.length === 0) return true;
    if (report) {
      this.#rejections = [{ commit, at: new Date().toISOString(), problems }, ...this.#rejections.filter((r) => r.commit !== commit)].slice(0, MAX_REJECTIONS);
      logger.error('configuration commit rejected; the last good commit keeps serving', {
        'config.commit': commit,
        'config.label': label,
        'config.served_commit': this.#served?.commit,
        'config.problems': problems.slice(0, 20).map((p) => [p.file ?? p.application, p.profile, p.message].filter(Boolean).join(': ')),
      });
    }
    return false;
  }

  async #accept(label: string, commit: string): Promise<void> {
    this.#served = { label, commit, acceptedAt: new Date().toISOString() };
    // Problems of commits up to the one now served are history.
    this.#rejections = [];
    this.#o.logger.info('serving configuration commit', { 'config.label': label, 'config.commit': commit });
    try {
      await writeServedState(this.#o.stateFile, this.#served);
    } catch (err) {
      this.#o.logger.warn('could not record the served commit', { 'error.message': (err as Error).message });
    }
  }

  /** Publishes, or keeps the event (merged with any other waiting) and retries until the broker takes it. */
  async #announce(applications: string[], commit: string, label: string): Promise<void> {
    if (applications.length === 0) return;
    const pending = this.#pending;
    const merged = pending ? [...new Set([...pending.applications, ...applications])].sort() : applications;
    const data: RefreshData = { applications: merged.includes('*') ? ['*'] : merged, commit, label };
    try {
      await this.#o.publisher.publish(refreshEvent(this.#o.source, data));
      this.#pending = undefined;
      this.#lastPublished = { at: new Date().toISOString(), data };
      this.#o.logger.info('refresh event published', { 'config.applications': data.applications, 'config.commit': commit });
    } catch (err) {
      this.#pending = data;
      this.#o.logger.warn('refresh event not published; will retry', { 'config.applications': data.applications, 'error.message': (err as Error).message });
      this.#scheduleRetry();
    }
  }

  #scheduleRetry(): void {
    if (this.#retry || this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      const pending = this.#pending;
      if (!pending) return;
      this.#pending = undefined;
      // Through the chain, so a retry never interleaves with a sync.
      this.#chain = this.#chain.then(() => this.#announce(pending.applications, pending.commit, pending.label)).catch(() => undefined);
    }, this.#o.retryIntervalMs);
    this.#retry.unref();
  }

  /** Stops polling and retries; waits for a running sync. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    clearTimeout(this.#retry);
    await this.#chain;
  }
}
